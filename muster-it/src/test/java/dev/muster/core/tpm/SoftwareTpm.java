package dev.muster.core.tpm;

import dev.muster.cli.TpmToolsDevice;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * One simulated device TPM for a test: a swtpm on free loopback ports with its own state folder, driven by the
 * tpm2-tools exactly as the shared reference tpm-testing.md describes (it plays the device side of the DPS TPM
 * challenge, reference §6.3). Use it in try-with-resources: {@link #close()} stops the swtpm by its PID and
 * deletes the folder, also when the test failed.
 *
 * <p>Call {@link #assumeInstalled()} first: it skips the test when swtpm/tpm2-tools are missing, or fails it if the
 * environment variable {@code MUSTER_REQUIRE_TPM=true} (CI) says they must be there.
 */
public final class SoftwareTpm implements AutoCloseable {
    static final String EK_HANDLE = "0x81010001";
    static final String SRK_HANDLE = "0x81000001";
    static final String ID_KEY_HANDLE = "0x81000100";
    static final String PACKAGES = "swtpm tpm2-tools libtss2-tcti-swtpm0";

    private static final List<String> TOOLS = List.of("swtpm", "tpm2_createek", "tpm2_createprimary",
            "tpm2_evictcontrol", "tpm2_readpublic", "tpm2_flushcontext", "tpm2_startauthsession", "tpm2_policysecret",
            "tpm2_activatecredential", "tpm2_import", "tpm2_load", "tpm2_hmac", "tpm2_getcap");
    private static volatile String missing;

    /** The EK and SRK public areas as the device sends them (TPM2B_PUBLIC). */
    public record Keys(byte[] ek, byte[] srk) {
    }

    private final Path root;
    private final Path work;
    private final Path pidFile;
    private final int port;
    private final Thread shutdownHook;
    private long pid = -1;
    private TpmToolsDevice device;

    /** Skips (or with MUSTER_REQUIRE_TPM=true fails) the calling test unless the software TPM can run here. */
    public static void assumeInstalled() {
        String problem = missingPieces();
        if (problem == null) {
            return;
        }
        String message = "software TPM not available (" + problem + "); install it with: apt-get install -y "
                + PACKAGES;
        if ("true".equalsIgnoreCase(System.getenv("MUSTER_REQUIRE_TPM"))) {
            fail(message + " (MUSTER_REQUIRE_TPM=true)");
        }
        Assumptions.abort(message + "; set MUSTER_REQUIRE_TPM=true to make this a failure");
    }

    private static String missingPieces() {
        if (missing == null) {
            List<String> absent = new ArrayList<>(TOOLS.stream().filter(t -> findOnPath(t).isEmpty()).toList());
            if (!tctiLibraryPresent()) {
                absent.add("libtss2-tcti-swtpm.so.0");
            }
            missing = absent.isEmpty() ? "" : "missing " + String.join(", ", absent);
        }
        return missing.isEmpty() ? null : missing;
    }

    private static Optional<Path> findOnPath(String exe) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return Arrays.stream(path.split(":")).map(dir -> Path.of(dir, exe)).filter(Files::isExecutable).findFirst();
    }

    /** tpm2-tools load the swtpm TCTI at run time, so a missing libtss2-tcti-swtpm0 only shows when used. */
    private static boolean tctiLibraryPresent() {
        List<Path> dirs = new ArrayList<>(List.of(Path.of("/usr/lib"), Path.of("/usr/lib64"), Path.of("/usr/local/lib")));
        try (Stream<Path> multiarch = Files.list(Path.of("/usr/lib"))) {
            multiarch.filter(p -> p.getFileName().toString().endsWith("-linux-gnu")).forEach(dirs::add);
        } catch (IOException e) {
            // no /usr/lib: nothing more to look at
        }
        return dirs.stream().anyMatch(d -> Files.exists(d.resolve("libtss2-tcti-swtpm.so.0")));
    }

    /** Starts a fresh TPM (manufactured and started up, no keys yet). */
    public static SoftwareTpm start() {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a free port can be taken between probe and bind
            try {
                return new SoftwareTpm();
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("could not start swtpm", last);
    }

    private SoftwareTpm() throws IOException {
        int[] ports = freePorts();
        port = ports[0];
        root = Files.createTempDirectory("muster-swtpm-");
        work = root.resolve("work");
        pidFile = root.resolve("swtpm.pid");
        shutdownHook = new Thread(this::stop, "swtpm-stop-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            Path state = Files.createDirectory(root.resolve("state"));
            Files.createDirectory(work);
            String loopback = ",bindaddr=127.0.0.1";
            Process swtpm = new ProcessBuilder("swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + state,
                    "--server", "type=tcp,port=" + ports[0] + loopback, "--ctrl", "type=tcp,port=" + ports[1] + loopback,
                    "--flags", "not-need-init,startup-clear", "--pid", "file=" + pidFile, "--daemon")
                    .redirectErrorStream(true).redirectOutput(root.resolve("swtpm.log").toFile()).start();
            if (!swtpm.waitFor(10, TimeUnit.SECONDS) || swtpm.exitValue() != 0) {
                throw new IOException("swtpm did not start: " + Files.readString(root.resolve("swtpm.log")));
            }
            pid = readPid();
            device = new TpmToolsDevice(work, java.util.Map.of("TPM2TOOLS_TCTI", tcti()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted while starting swtpm", e);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** swtpm writes its PID file around the time the daemon detaches; allow it a moment. */
    private long readPid() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                String text = Files.readString(pidFile).strip();
                if (!text.isEmpty()) {
                    return Long.parseLong(text);
                }
            } catch (NoSuchFileException e) {
                // not yet
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("swtpm wrote no PID file " + pidFile);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for swtpm", e);
            }
        }
    }

    /** The swtpm TCTI has no ctrl-port option: it always uses port + 1 for the control channel. */
    private static int[] freePorts() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
                int p = server.getLocalPort();
                if (p < 65535) {
                    try (ServerSocket ctrl = new ServerSocket(p + 1, 1, loopback)) {
                        return new int[] {p, p + 1};
                    } catch (IOException taken) {
                        // try another pair
                    }
                }
            }
        }
        throw new IOException("no two adjacent free loopback ports found");
    }

    /** The device side of this TPM, through the same tpm2-tools driver `muster device register --tpm` uses. */
    public TpmToolsDevice device() {
        return device;
    }

    /** Creates the EK (0x81010001) and SRK (0x81000001) with the device SDKs' templates, as tpm-testing.md does. */
    public Keys createEkAndSrk() {
        TpmToolsDevice.Keys k = device.keys();
        return new Keys(k.endorsementKey(), k.storageRootKey());
    }

    /** As {@link #createEkAndSrk()}, with another SRK algorithm spec of tpm2_createprimary -G. */
    public Keys createEkAndSrk(String srkAlgorithm) {
        device.run("tpm2_createprimary", "-C", "o", "-g", "sha256", "-G", srkAlgorithm,
                "-a", "restricted|decrypt|fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda", "-c", "srk.ctx");
        device.run("tpm2_evictcontrol", "-C", "o", "-c", "srk.ctx", SRK_HANDLE);
        device.run("tpm2_flushcontext", "-t");
        return createEkAndSrk();
    }

    /** What the device SDK does with an authenticationKey (reference §6.3); throws ToolFailure naming the refused step. */
    public void activate(byte[] activationBlob) {
        device.activate(activationBlob);
    }

    /** TPM2_HMAC with the persistent identity key (what the device signs SAS tokens with). */
    public byte[] hmac(byte[] data) {
        return device.hmac(data);
    }

    /** The Name the TPM reports for a loaded object, as lowercase hex. */
    public String name(String handle) {
        return device.run("tpm2_readpublic", "-c", handle).lines()
                .filter(l -> l.startsWith("name: ")).map(l -> l.substring(6).strip()).findFirst()
                .orElseThrow(() -> new IllegalStateException("tpm2_readpublic printed no name for " + handle));
    }

    /** The TCTI string tools and the CLI use to reach this TPM. */
    public String tcti() {
        return "swtpm:host=127.0.0.1,port=" + port;
    }

    static List<byte[]> parts(byte[] blob) {
        return ActivationBlob.parts(blob);
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down (or never registered): the hook does the same work
        }
    }

    /** Stops our swtpm by its PID (checking it still is a swtpm) and deletes its folder. */
    private synchronized void stop() {
        if (pid > 0) {
            ProcessHandle.of(pid)
                    .filter(ph -> ph.info().command().map(c -> c.endsWith("swtpm")).orElse(true))
                    .ifPresent(SoftwareTpm::kill);
            pid = -1;
        }
        if (root != null && Files.exists(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort: a leftover temp folder is harmless
            }
        }
    }

    /**
     * SIGKILL, since the state is thrown away anyway and swtpm takes a second to honour SIGTERM. The daemon is not
     * our child, so its zombie lingers until init reaps it (about a second here); dead-but-unreaped is enough.
     */
    private static void kill(ProcessHandle swtpm) {
        swtpm.destroyForcibly();
        Path stat = Path.of("/proc", Long.toString(swtpm.pid()), "stat");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (swtpm.isAlive() && !isZombie(stat) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** /proc/PID/stat is "pid (comm) S …": the state letter follows the last ')'. */
    private static boolean isZombie(Path stat) {
        try {
            String s = Files.readString(stat);
            int i = s.lastIndexOf(')');
            return i > 0 && i + 2 < s.length() && (s.charAt(i + 2) == 'Z' || s.charAt(i + 2) == 'X');
        } catch (IOException e) {
            return true; // gone
        }
    }

    @Override
    public String toString() {
        return "SoftwareTpm[port " + port + ", " + root + "]";
    }
}
