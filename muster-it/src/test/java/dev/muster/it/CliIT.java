package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import dev.muster.cli.Main;
import dev.muster.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The muster command against a running server, through its REST API only, as an operator uses it. */
class CliIT {

    record Run(int exit, String out, String err) {}

    /** The command against the test server (its data folder appended). */
    static Run muster(String... args) {
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--data-dir";
        full[args.length + 1] = MusterUnderTest.dataDir().toString();
        return run(full);
    }

    /** The command exactly as given, its output captured. */
    static synchronized Run run(String... full) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(full);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void enrollRegisterShowAndDeleteFromTheCommandLine() {
        MusterUnderTest.info();
        String id = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        Run created = muster("enrollment", "create", id, "--desired", "{\"interval\":30}", "--tags", "{\"site\":\"lab\"}",
                "-o", "json");
        assertThat(created.exit()).as(created.err()).isZero();
        JsonNode enrollment = Json.tree(created.out());
        String key = enrollment.path("attestation").path("symmetricKey").path("primaryKey").asText();
        assertThat(key).isNotBlank();

        Run shown = muster("enrollment", "show", id);
        assertThat(shown.exit()).isZero();
        assertThat(shown.out()).contains(id).contains("symmetricKey").contains("enabled");

        Run listed = muster("enrollment", "list");
        assertThat(listed.exit()).isZero();
        assertThat(listed.out()).contains(id);

        Run registered = muster("device", "register", id, "--key", key);
        assertThat(registered.exit()).as(registered.err()).isZero();
        assertThat(registered.out()).contains("Assigned to " + MusterUnderTest.hub()).contains("HostName=");

        Run record = muster("registration", "show", id, "-o", "json");
        assertThat(record.exit()).isZero();
        assertThat(Json.tree(record.out()).path("registration").path("status").asText()).isEqualTo("assigned");

        Run refused = muster("device", "register", id, "--key", java.util.Base64.getEncoder().encodeToString(new byte[32]));
        assertThat(refused.exit()).isEqualTo(6);
        Run why = muster("registration", "show", id);
        assertThat(why.out()).contains("not signed with the individual enrollment's primary or secondary key");

        Run deleted = muster("enrollment", "delete", id);
        assertThat(deleted.exit()).isZero();
        Run gone = muster("enrollment", "show", id);
        assertThat(gone.exit()).isEqualTo(4);
        assertThat(gone.err()).contains("404");
    }

    @Test
    void groupDevicesRegisterWithTheGroupKey() {
        String group = "cli-grp-" + UUID.randomUUID().toString().substring(0, 6);
        Run created = muster("enrollment-group", "create", group, "-o", "json");
        assertThat(created.exit()).as(created.err()).isZero();
        String groupKey = Json.tree(created.out()).path("attestation").path("symmetricKey").path("primaryKey").asText();
        Run registered = muster("device", "register", group + "-unit-1", "--group-key", groupKey);
        assertThat(registered.exit()).as(registered.err() + registered.out()).isZero();
        assertThat(muster("enrollment-group", "list").out()).contains(group);
        Run records = muster("registration", "list", "--group", group);
        assertThat(records.exit()).as(records.err()).isZero();
        assertThat(records.out()).contains(group + "-unit-1").contains("assigned").contains("1 registration record");
    }

    @Test
    void badInputGetsAClearErrorAndExitCode() {
        Run badWebhook = muster("enrollment", "create", "cli-bad", "--webhook-url", "ftp://nowhere?code=SECRET");
        assertThat(badWebhook.exit()).isEqualTo(1);
        assertThat(badWebhook.err()).contains("400").doesNotContain("SECRET");
        Run badJson = muster("enrollment", "create", "cli-bad", "--desired", "[1,2]");
        assertThat(badJson.exit()).isEqualTo(2);
        assertThat(badJson.err()).contains("--desired must be a JSON object");
        Run badKey = muster("enrollment", "create", "cli-bad", "--primary-key", "short");
        assertThat(badKey.exit()).isEqualTo(1);
        assertThat(badKey.err()).contains("400").contains("primaryKey");
        assertThat(Main.run("enrollment", "list", "--data-dir", "/nonexistent-muster")).as("no server configured").isEqualTo(2);
    }

    /** Another server's CA (here: any other CA) instead of the one that signed the server: one sentence and the fix. */
    @Test
    void aServerWhoseCaIsNotTrustedIsNamedWithTheOptionThatFixesIt() throws Exception {
        java.nio.file.Path otherCa = java.nio.file.Files.createTempFile("other-ca-", ".pem");
        java.nio.file.Files.writeString(otherCa, X509Devices.root("Not Muster's CA").pem());
        Run r = run("usage", "--connection-string", MusterUnderTest.info().serviceConnectionString(),
                "--ca-file", otherCa.toString());
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("https://localhost").contains("does not trust").contains("--ca-file")
                .doesNotContain("PKIX").doesNotContain("sun.security");
    }

    @Test
    void dbStatusAndMigrateOnAFreshDatabase() throws Exception {
        String dir = java.nio.file.Files.createTempDirectory("muster-db-").toString();
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(Main.run("db", "status", "--data-dir", dir)).isZero();
            assertThat(Main.run("db", "migrate", "--data-dir", dir)).isZero();
            assertThat(Main.run("db", "status", "--data-dir", dir)).isZero();
            assertThat(Main.run("db", "status", "--data-dir", dir, "-o", "json")).isZero();
        } finally {
            System.setOut(oldOut);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("pending  1").contains("Up to date.")
                .contains("\"upToDate\" : true");
    }

    @Test
    void hubMonitorPrintsTelemetryAsItArrives() throws Exception {
        String id = "cli-mon-" + UUID.randomUUID().toString().substring(0, 6);
        JsonNode e = Json.tree(muster("enrollment", "create", id, "-o", "json").out());
        String key = e.path("attestation").path("symmetricKey").path("primaryKey").asText();
        assertThat(muster("device", "register", id, "--key", key).exit()).isZero();
        CompletableFuture<Run> monitor = CompletableFuture.supplyAsync(() ->
                muster("hub", "monitor", "--count", "1", "--timeout", "30"));
        DeviceClient device = Devices.hubClient(MusterUnderTest.hub(), id, key, IotHubClientProtocol.MQTT);
        try {
            device.open(false);
            Thread.sleep(1000);  // let the monitor's stream open before the message is sent
            device.sendEvent(new Message("{\"hello\":\"monitor\"}"));
            Run run = monitor.get(40, TimeUnit.SECONDS);
            assertThat(run.exit()).as(run.err()).isZero();
            JsonNode event = Json.tree(run.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
            assertThat(event.path("deviceId").asText()).isEqualTo(id);
            assertThat(event.path("body").path("hello").asText()).isEqualTo("monitor");
        } finally {
            device.close();
        }
    }
}
