package dev.muster.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code muster serve} in a JVM of its own (the test JVM's class path, {@code dev.muster.cli.Main}), as an
 * operator starts a node: its own data folder, output in {@code DATA_DIR/node.log}, ready once it has written
 * {@code connection-info.json}.
 */
final class NodeProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path dataDir;
    private final JsonNode info;

    private NodeProcess(Process process, Path dataDir, JsonNode info) {
        this.process = process;
        this.dataDir = dataDir;
        this.info = info;
    }

    static NodeProcess start(Path dataDir, Map<String, String> env, String... serveArgs) throws Exception {
        return run("serve", dataDir, env, serveArgs);
    }

    /** A hub alone ({@code muster hub}), as an operator runs one to link elsewhere. */
    static NodeProcess startHub(Path dataDir, String... hubArgs) throws Exception {
        return run("hub", dataDir, Map.of(), hubArgs);
    }

    private static NodeProcess run(String subcommand, Path dataDir, Map<String, String> env, String... args)
            throws Exception {
        Files.createDirectories(dataDir);
        // Ready once it has written connection-info.json: a file left by an earlier (killed) run must not count.
        Files.deleteIfExists(dataDir.resolve("connection-info.json"));
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classPath, "dev.muster.cli.Main", subcommand,
                "--data-dir", dataDir.toString()));
        if (subcommand.equals("serve") && !List.of(args).contains("--metrics-port")) {
            // The test JVM's own Muster has the default metrics port; further nodes on this machine run without.
            command.addAll(List.of("--metrics-port", "0"));
        }
        if (subcommand.equals("serve") && !List.of(args).contains("--crl-port")) {
            // Likewise the CRL listener (port 80).
            command.addAll(List.of("--crl-port", "0"));
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("node.log").toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        Path infoFile = dataDir.resolve("connection-info.json");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.exists(infoFile)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("node in " + dataDir + " did not start:\n" + log(dataDir));
            }
            Thread.sleep(100);
        }
        return new NodeProcess(process, dataDir, Json.tree(Files.readString(infoFile)));
    }

    JsonNode connectionInfo() {
        return info;
    }

    Path dataDir() {
        return dataDir;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** As a crash or {@code kill -9} would: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    String log() {
        return log(dataDir);
    }

    private static String log(Path dataDir) {
        try {
            return Files.readString(dataDir.resolve("node.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
