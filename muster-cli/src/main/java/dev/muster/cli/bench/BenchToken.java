package dev.muster.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's SoftHSM2 token ({@value #LABEL}, user PIN {@value #PIN}), made once with softhsm2-util in the
 * machine's default token folder and reused by every run, each run generating its own key in it. SoftHSM2 reads its
 * token list when a process first loads it, so a server that used PKCS#11 before the token existed does not see it
 * until restarted; the benchmark then says so instead of measuring.
 */
public final class BenchToken {
    public static final String LABEL = "muster-bench";
    public static final String PIN = "1234";
    private static final String SO_PIN = "12345678";
    private static final Path UTIL = Path.of("/usr/bin/softhsm2-util");

    private BenchToken() {
    }

    /** @return null when the token is there, else why the SoftHSM2 phase cannot run */
    public static String ensure(boolean serverIsLocal) throws InterruptedException {
        if (!serverIsLocal) {
            return "the server is not on this machine (run the benchmark there with --data-dir).";
        }
        if (!Files.isExecutable(UTIL)) {
            return "softhsm2-util not found (apt-get install -y softhsm2).";
        }
        String slots = run(UTIL.toString(), "--show-slots");
        if (slots == null) {
            return "softhsm2-util --show-slots failed.";
        }
        if (slots.matches("(?s).*Label:\\s+" + LABEL + "\\s.*")) {
            return null;
        }
        String made = run(UTIL.toString(), "--init-token", "--free", "--label", LABEL, "--pin", PIN, "--so-pin", SO_PIN);
        return made == null ? "softhsm2-util --init-token failed." : null;
    }

    private static String run(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        }
    }
}
