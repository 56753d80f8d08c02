package dev.muster.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.muster.core.issuance.Pkcs11Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's SoftHSM2 for PKCS#11 tests: tokens in a temporary folder of this test JVM, made with
 * {@code softhsm2-util --init-token}. SoftHSM2 reads its configuration from {@code SOFTHSM2_CONF} once, when the JVM
 * first loads it, and a JVM cannot change its own environment: the build (surefire) points {@code SOFTHSM2_CONF} at a
 * file in {@code target/} that this class writes before the first token is made.
 *
 * <p>Call {@link #assumeInstalled()} first: it skips the test when SoftHSM2 is missing, or fails it if the environment
 * variable {@code MUSTER_REQUIRE_SOFTHSM=true} (CI) says it must be there.
 */
public final class SoftHsm {
    public static final String PIN = "4321";
    private static final String SO_PIN = "87654321";
    private static final String PACKAGE = "softhsm2";
    /** Enough for every PKCS#11 test class that may share one test JVM. */
    private static final int TOKENS = 16;
    private static final List<String> unused = new java.util.ArrayList<>();
    private static Path tokenDir;

    private SoftHsm() {}

    public static String library() {
        return Pkcs11Tokens.DEFAULT_LIBRARY;
    }

    /** Skips (or with MUSTER_REQUIRE_SOFTHSM=true fails) the calling test unless SoftHSM2 can run here. */
    public static void assumeInstalled() {
        String problem = problem();
        if (problem == null) {
            return;
        }
        String message = "SoftHSM2 not available (" + problem + ")";
        if ("true".equalsIgnoreCase(System.getenv("MUSTER_REQUIRE_SOFTHSM"))) {
            fail(message + " (MUSTER_REQUIRE_SOFTHSM=true)");
        }
        Assumptions.abort(message + "; set MUSTER_REQUIRE_SOFTHSM=true to make this a failure");
    }

    private static String problem() {
        if (!Files.exists(Path.of(library())) || findOnPath("softhsm2-util") == null) {
            return "install it with: apt-get install -y " + PACKAGE;
        }
        if (System.getenv("SOFTHSM2_CONF") == null) {
            return "SOFTHSM2_CONF is not set; run the tests through Maven, which sets it";
        }
        return null;
    }

    /**
     * A token of its own for the caller (user PIN {@link #PIN}); returns its label. SoftHSM2 sees only the tokens that
     * existed when the JVM loaded it, so the first call makes {@value #TOKENS} of them and later calls hand them out.
     */
    public static synchronized String newToken() {
        configure();
        if (unused.isEmpty()) {
            throw new IllegalStateException("all " + TOKENS + " SoftHSM2 tokens of this test JVM are in use; raise"
                    + " SoftHsm.TOKENS");
        }
        return unused.remove(0);
    }

    /**
     * Imports a key pair into the token as an HSM's own tools would leave it: a key and its public key under a label
     * and ID, no certificate.
     */
    public static void importKey(String token, String label, String idHex, java.security.PrivateKey key) {
        try {
            Path file = Files.createTempFile(tokenDir.getParent(), "key-", ".pem");
            Files.writeString(file, dev.muster.core.x509.Certificates.pem(key));
            run("softhsm2-util", "--import", file.toString(), "--token", token, "--label", label, "--id", idHex,
                    "--pin", PIN);
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void configure() {
        if (tokenDir != null) {
            return;
        }
        try {
            Path root = Files.createTempDirectory("muster-softhsm-");
            tokenDir = Files.createDirectory(root.resolve("tokens"));
            Path conf = Path.of(System.getenv("SOFTHSM2_CONF"));
            Files.createDirectories(conf.getParent());
            Files.writeString(conf, "directories.tokendir = " + tokenDir + "\nobjectstore.backend = file\n"
                    + "log.level = ERROR\nslots.removable = false\n", StandardCharsets.UTF_8);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root), "softhsm-cleanup"));
            String run = UUID.randomUUID().toString().substring(0, 6);
            for (int i = 1; i <= TOKENS; i++) {
                String label = "muster-" + run + "-" + i;
                run("softhsm2-util", "--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", SO_PIN);
                unused.add(label);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", List.of(command)) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path findOnPath(String exe) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return Arrays.stream(path.split(":")).map(dir -> Path.of(dir, exe)).filter(Files::isExecutable).findFirst()
                .orElse(null);
    }

    private static void delete(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
