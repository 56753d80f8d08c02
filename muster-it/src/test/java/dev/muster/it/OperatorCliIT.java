package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's commands end to end against a running server: profiles, policies, connection strings, instances,
 * usage, CSV import, linked hubs and TPM enrollments, with their exit codes and --output json.
 */
class OperatorCliIT {
    /** A real EK (TPM2B_PUBLIC) from the Debian software TPM, as in muster-core's swtpm-vectors.properties. */
    static final String EK = "AToAAQALAAMAsgAgg3GXZ0SEs/gakMyNRqXXJP1S124GUgtk8qHaGzMUaaoABgCAAEMAEAgAAAAAAAEA2PQc+TaVI/VY8IJDm3et"
            + "HVlwZTlpK61jVJFDvX0DsYiNMZYXJemBqHMQGRV1V5pVs/P8mcK1MpdIZRaZSzxUbmDGryOoFZlSzphgfRwwTUWBhUfohOGzZLfT"
            + "CjPa+XyQzBWFrfLKsea0U7420EzKB93wEq7DvSFRbr2z7FEiTDGgrr4nfZvws6Qz60XT3iQaUA3wH3e0Wfl4yeScr3IXmm69K79n"
            + "oJRreJGcs9yAhXMTvV4v1l1rC5SI3OQusso4ZW4eeF2htf2aV+hUWKOA/9lyLV+VAA9rkIbey9ZttXZEJ9L9eBkIUFGE3XQoSw+l"
            + "5iVBs1uPXe9+c/B+58BofQ==";
    private static Path config;

    @BeforeAll
    static void privateProfiles() throws Exception {
        config = Files.createTempDirectory("muster-cli-config-");
        System.setProperty("muster.config.dir", config.toString());
    }

    @AfterAll
    static void restore() {
        System.clearProperty("muster.config.dir");
    }

    /** The command as typed, without the test's --data-dir: the target comes from the options given. */
    static CliIT.Run bare(String... args) {
        return CliIT.run(args);
    }

    static CliIT.Run ok(String... args) {
        CliIT.Run r = CliIT.muster(args);
        assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.err() + r.out()).isZero();
        return r;
    }

    /**
     * The JSON document a command printed. The in-process server logs to the same System.out (e.g. "created
     * provisioning service instance"), so the document starts at the first line that opens one.
     */
    static JsonNode json(CliIT.Run r) {
        String out = r.out();
        int start = 0;
        for (String line : out.split("\n", -1)) {
            if (line.startsWith("{") || line.startsWith("[")) {
                break;
            }
            start += line.length() + 1;
        }
        return Json.tree(out.substring(Math.min(start, out.length())));
    }

    static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void linkedHubsAreListedReweightedAndUnlinked() {
        String hub2 = MusterUnderTest.hub();
        assertThat(ok("linked-hub", "list").out()).contains("HUB").contains(hub2);
        JsonNode list = json(ok("linked-hub", "list", "-o", "json"));
        assertThat(list.isArray()).isTrue();
        try {
            JsonNode updated = json(ok("linked-hub", "update", hub2, "--weight", "3", "-o", "json"));
            assertThat(updated.path("allocationWeight").asInt()).isEqualTo(3);
            assertThat(ok("linked-hub", "remove", hub2).out()).contains("Unlinked hub " + hub2);
            assertThat(ok("linked-hub", "list").out()).doesNotContain(hub2 + " ");
        } finally {
            // --from reads the hub's connection-info.json, so the key never appears on a command line
            CliIT.Run relinked = CliIT.muster("linked-hub", "add", "--from", MusterUnderTest.dataDir().toString());
            assertThat(relinked.exit()).as(relinked.err()).isZero();
            assertThat(relinked.out()).contains(hub2);
        }
        assertThat(CliIT.muster("linked-hub", "add").exit()).as("neither a connection string nor --from").isEqualTo(2);
        assertThat(CliIT.muster("linked-hub", "add", "--from", "/nonexistent").err()).contains("Cannot read");
        assertThat(CliIT.muster("linked-hub", "remove", "127.0.99.9").exit()).as("not linked").isEqualTo(4);
        assertThat(CliIT.muster("linked-hub", "update", hub2).exit()).as("nothing to change").isEqualTo(2);
    }

    @Test
    void tpmEnrollmentsKeepDevicesOnTheirHubWhenAsked() {
        String id = unique("cli-tpm-");
        JsonNode e = json(ok("enrollment", "create", id, "--tpm-ek", EK, "--no-reprovision", "-o", "json"));
        assertThat(e.path("attestation").path("type").asText()).isEqualTo("tpm");
        assertThat(e.path("attestation").path("tpm").path("endorsementKey").asText()).isEqualTo(EK);
        assertThat(e.path("reprovisionPolicy").path("updateHubAssignment").asBoolean()).isFalse();
        assertThat(e.path("reprovisionPolicy").path("migrateDeviceData").asBoolean()).isTrue();
        assertThat(ok("enrollment", "show", id).out()).contains("attestation").contains("tpm");
        CliIT.Run bad = CliIT.muster("enrollment", "create", unique("cli-tpm-"), "--tpm-ek", "AAEC");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("400");
        ok("enrollment", "delete", id);
    }

    @Test
    void aSavedProfileTargetsTheServerWithoutADataFolder() {
        CliIT.Run saved = bare("profile", "save", "it-local", "--data-dir", MusterUnderTest.dataDir().toString());
        assertThat(saved.exit()).as(saved.err()).isZero();
        assertThat(saved.out()).contains("mode 600");
        CliIT.Run listed = bare("enrollment", "list", "--profile", "it-local");
        assertThat(listed.exit()).as(listed.err()).isZero();
        assertThat(bare("profile", "list").out()).contains("it-local").contains("localhost");
        String cs = MusterUnderTest.info().serviceConnectionString();
        CliIT.Run explicit = bare("enrollment", "list", "--connection-string", cs, "--port",
                String.valueOf(MusterUnderTest.info().ports().https()), "--ca-file", MusterUnderTest.info().caCertificate());
        assertThat(explicit.exit()).as(explicit.err()).isZero();
        CliIT.Run wrongKey = bare("enrollment", "list", "--connection-string", cs.replaceAll("SharedAccessKey=[^;]+",
                "SharedAccessKey=" + java.util.Base64.getEncoder().encodeToString(new byte[32])), "--ca-file",
                MusterUnderTest.info().caCertificate());
        assertThat(wrongKey.exit()).isEqualTo(1);
        assertThat(wrongKey.err()).contains("401");
    }

    @Test
    void policiesGrantRightsAndTheirConnectionStringsWork() {
        String name = unique("cli-enroller-");
        JsonNode created = json(ok("policy", "create", name, "--rights", "enrollmentread,EnrollmentWrite", "-o",
                "json"));
        assertThat(created.path("keyName").asText()).isEqualTo(name);
        assertThat(created.path("rights").asText()).contains("EnrollmentRead").contains("EnrollmentWrite")
                .doesNotContain("ServiceConfig");
        assertThat(ok("policy", "list").out()).contains(name).contains("provisioningserviceowner");
        assertThat(ok("policy", "show", name).out()).contains("primaryKey").contains(created.path("primaryKey").asText());

        String cs = ok("connection-string", "show", "--policy", name).out().strip();
        assertThat(cs).startsWith("HostName=localhost;SharedAccessKeyName=" + name + ";SharedAccessKey="
                + created.path("primaryKey").asText());
        JsonNode secondary = json(ok("connection-string", "show", "--policy", name, "--key", "secondary", "-o",
                "json"));
        assertThat(secondary.path("connectionString").asText()).endsWith(created.path("secondaryKey").asText());

        assertThat(CliIT.muster("enrollment", "list", "--connection-string", cs).exit()).isZero();
        CliIT.Run forbidden = CliIT.muster("policy", "list", "--connection-string", cs);
        assertThat(forbidden.exit()).isEqualTo(1);
        assertThat(forbidden.err()).contains("403").contains("ServiceConfig");

        JsonNode regenerated = json(ok("policy", "regenerate-key", name, "--key", "primary", "-o", "json"));
        assertThat(regenerated.path("primaryKey").asText()).isNotEqualTo(created.path("primaryKey").asText());
        assertThat(regenerated.path("secondaryKey").asText()).isEqualTo(created.path("secondaryKey").asText());
        assertThat(CliIT.muster("enrollment", "list", "--connection-string", cs).exit()).as("old key").isEqualTo(1);

        CliIT.Run deleted = ok("policy", "delete", name, "-o", "json");
        assertThat(deleted.out()).isEmpty();
        assertThat(CliIT.muster("policy", "show", name).exit()).isEqualTo(4);
        assertThat(CliIT.muster("policy", "create", name, "--rights", "Everything").exit()).isEqualTo(2);
    }

    @Test
    void instancesAreCreatedUsedThroughTheirProfileAndDeleted() {
        String name = unique("cli-tenant-");
        JsonNode created = json(ok("instance", "create", name, "--save-profile", "-o", "json"));
        assertThat(created.path("name").asText()).isEqualTo(name);
        assertThat(created.path("idScope").asText()).startsWith("0ne");
        assertThat(created.path("connectionString").asText()).contains("SharedAccessKey=");
        assertThat(ok("instance", "list").out()).contains(name).contains(created.path("idScope").asText());
        assertThat(json(ok("instance", "show", name, "-o", "json")).has("connectionString")).isFalse();

        String id = unique("cli-tenant-dev-");
        CliIT.Run inTenant = CliIT.muster("enrollment", "create", id, "--profile", name);
        assertThat(inTenant.exit()).as(inTenant.err()).isZero();
        assertThat(CliIT.muster("enrollment", "show", id).exit()).as("not visible in the default instance").isEqualTo(4);
        JsonNode own = json(ok("instance", "show", "--profile", name, "-o", "json"));
        assertThat(own.path("idScope").asText()).isEqualTo(created.path("idScope").asText());
        assertThat(own.path("policy").path("rights").asText()).contains("ServiceConfig");
        JsonNode updated = json(ok("instance", "update", "--profile", name, "--registrations-per-minute", "600",
                "--allocation-policy", "static", "-o", "json"));
        assertThat(updated.path("quotas").path("registrationsPerMinute").asInt()).isEqualTo(600);
        assertThat(updated.path("allocationPolicy").asText()).isEqualTo("static");
        JsonNode lifted = json(ok("instance", "update", "--profile", name, "--registrations-per-minute", "0", "-o", "json"));
        assertThat(lifted.path("quotas").path("registrationsPerMinute").isNull()).isTrue();
        assertThat(CliIT.muster("instance", "update", "--profile", name).exit()).as("nothing to change").isEqualTo(2);
        JsonNode usage = json(ok("usage", "--instance", name, "-o", "json"));
        assertThat(usage.path("idScope").asText()).isEqualTo(created.path("idScope").asText());

        assertThat(CliIT.muster("instance", "delete", name).exit()).as("needs --yes").isEqualTo(2);
        assertThat(ok("instance", "delete", name, "--yes").out()).contains("Deleted instance " + name);
        assertThat(CliIT.muster("instance", "show", name).exit()).isEqualTo(4);
        assertThat(CliIT.muster("instance", "delete", "default", "--yes").exit()).as("the default stays").isEqualTo(1);
    }

    @Test
    void usageIsATableOfBucketsAndJsonForScripts() {
        ok("enrollment", "create", unique("cli-usage-"));
        CliIT.Run table = ok("usage", "--since", "1h", "--granularity", "minute");
        assertThat(table.out()).contains("billed operations").contains("START").contains("TOTAL");
        JsonNode json = json(ok("usage", "--since", "1h", "--granularity", "minute", "-o", "json"));
        assertThat(json.path("series").isArray()).isTrue();
        assertThat(json.path("billedOperations").asLong()).isPositive();
        assertThat(json(ok("usage", "failures", "--top", "5", "-o", "json")).isArray()).isTrue();
        assertThat(CliIT.muster("usage", "--since", "yesterday").exit()).isEqualTo(2);
    }

    @Test
    void csvImportChecksTheFileFirstThenCreatesIsRepeatableAndReportsRefusals() throws Exception {
        String prefix = unique("cli-csv-");
        Path dir = Files.createTempDirectory("muster-csv-");
        StringBuilder csv = new StringBuilder("registrationId,primaryKey,tags,provisioningStatus\n");
        for (int i = 0; i < 25; i++) {
            csv.append(prefix).append('-').append(i).append(",,\"{\"\"n\"\":").append(i).append("}\",enabled\n");
        }
        Path bad = Files.writeString(dir.resolve("bad.csv"), csv + "bad id!,,,\n" + prefix + "-x,,[1],sometimes\n");
        CliIT.Run refused = CliIT.muster("enrollment", "import", "--csv", bad.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("2 bad rows; nothing was sent").contains("line 27:").contains("line 28:")
                .contains("tags must be a JSON object").contains("provisioningStatus must be enabled or disabled");
        assertThat(CliIT.muster("enrollment", "show", prefix + "-0").exit()).isEqualTo(4);

        Path good = Files.writeString(dir.resolve("devices.csv"), csv.toString());
        CliIT.Run created = ok("enrollment", "import", "--csv", good.toString());
        assertThat(created.out()).contains("25 rows").contains("25 created, 0 already existed, 0 failed");
        JsonNode one = json(ok("enrollment", "show", prefix + "-7", "-o", "json"));
        assertThat(one.path("initialTwin").path("tags").path("n").asInt()).isEqualTo(7);

        JsonNode again = json(ok("enrollment", "import", "--csv", good.toString(), "-o", "json"));
        assertThat(again.path("succeeded").asInt()).isZero();
        assertThat(again.path("alreadyExisted").asInt()).isEqualTo(25);
        assertThat(ok("enrollment", "import", "--csv", good.toString(), "--mode", "update").out())
                .contains("25 created or updated");

        Path errors = dir.resolve("errors.csv");
        Path hubs = Files.writeString(dir.resolve("hubs.csv"), "registrationId,iotHubs\n" + prefix + "-hub,nowhere.example.com\n");
        CliIT.Run partly = CliIT.muster("enrollment", "import", "--csv", hubs.toString(), "--errors", errors.toString());
        assertThat(partly.exit()).as(partly.err() + partly.out()).isEqualTo(1);
        assertThat(partly.out()).contains("1 failed").contains("line 2 " + prefix + "-hub");
        assertThat(Files.readString(errors)).startsWith("line,registrationId,errorCode,message\n2," + prefix + "-hub,");

        assertThat(ok("enrollment", "import", "--csv", good.toString(), "--mode", "delete").out()).contains("25 deleted");
        assertThat(CliIT.muster("enrollment", "show", prefix + "-0").exit()).isEqualTo(4);
    }
}
