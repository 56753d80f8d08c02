package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Node test package under src/test (its package.json and package-lock.json are committed): installed with
 * {@code npm ci} when its node_modules is missing, its scripts run with Muster's CA trusted. Without node the tests
 * are skipped, unless {@code MUSTER_REQUIRE_NODE=true} (CI) makes that a failure.
 */
final class NodePackage {
    record Result(int exit, String out) {
        /** The last line of output that is a JSON object (scripts print their outcome as one). */
        JsonNode lastJson() {
            String line = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("{}");
            assertThat(line).as(out).isNotEqualTo("{}");
            return Json.tree(line);
        }
    }

    private final Path dir;

    NodePackage(String folder) {
        this.dir = Path.of("src", "test", folder).toAbsolutePath();
    }

    /** Skips (or fails, when node is required) without node; runs {@code npm ci} once. */
    NodePackage install() {
        boolean required = "true".equals(System.getenv("MUSTER_REQUIRE_NODE"));
        boolean haveNode = run(List.of("node", "--version"), 20).exit == 0;
        if (!haveNode && required) {
            throw new AssertionError("node is not installed but MUSTER_REQUIRE_NODE=true");
        }
        assumeTrue(haveNode, "node is not installed: skipping the Node SDK tests");
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            Result r = run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
            assertThat(r.exit).as("npm ci: " + r.out).isZero();
        }
        return this;
    }

    Result run(List<String> command, int timeoutSeconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            pb.environment().put("NODE_EXTRA_CA_CERTS", MusterUnderTest.info().caCertificate());
            File out = Files.createTempFile("node-", ".out").toFile();
            pb.redirectOutput(out);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + Files.readString(out.toPath()));
            }
            return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8));
        } catch (Exception e) {
            return new Result(-1, e.toString());
        }
    }
}
