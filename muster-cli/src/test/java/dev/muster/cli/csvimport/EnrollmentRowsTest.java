package dev.muster.cli.csvimport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnrollmentRowsTest {

    static EnrollmentRows.Parsed parse(String csv) throws Exception {
        return EnrollmentRows.read(new StringReader(csv), Path.of("."));
    }

    @Test
    void quotedJsonFieldsBecomeTheInitialTwin() throws Exception {
        var p = parse("registrationId,tags,desired,iotHubs,provisioningStatus\n"
                + "sensor-1,\"{\"\"site\"\":\"\"lab\"\"}\",\"{\"\"interval\"\":30}\",127.0.10.1;127.0.10.2,disabled\n");
        assertThat(p.problems()).isEmpty();
        var doc = p.items().get(0).document();
        assertThat(doc.path("initialTwin").path("tags").path("site").asText()).isEqualTo("lab");
        assertThat(doc.path("initialTwin").path("properties").path("desired").path("interval").asInt()).isEqualTo(30);
        assertThat(doc.path("iotHubs")).hasSize(2);
        assertThat(doc.path("provisioningStatus").asText()).isEqualTo("disabled");
        assertThat(doc.path("attestation").path("type").asText()).isEqualTo("symmetricKey");
    }

    @Test
    void everyBadRowIsReportedWithItsLineNumber() throws Exception {
        var p = parse("RegistrationID,primaryKey,attestation,endorsementKey\n"
                + "# a comment line\n"
                + "good-1,,,\n"
                + "bad id!,,,\n"
                + "short-key,c2hvcnQ=,,\n"
                + "tpm-1,,tpm,\n"
                + "good-1,,,\n"
                + "too,many,fields,here,x\n");
        assertThat(p.problems()).extracting(EnrollmentRows.Problem::line).containsExactly(4, 5, 6, 7, 8);
        assertThat(p.problems().get(0).message()).contains("registrationId 'bad id!' is not valid");
        assertThat(p.problems().get(1).message()).contains("primaryKey must be 16 to 64 bytes");
        assertThat(p.problems().get(2).message()).contains("tpm needs an endorsementKey");
        assertThat(p.problems().get(3).message()).contains("already appears on line 3");
        assertThat(p.problems().get(4).message()).contains("5 fields where the header has 4");
    }

    @Test
    void aMultiLineQuotedFieldKeepsLaterLineNumbersRight() throws Exception {
        var p = parse("registrationId,tags\na,\"{\n\"\"x\"\":1}\"\nb!,\n");
        assertThat(p.problems()).extracting(EnrollmentRows.Problem::line).containsExactly(4);
        assertThat(p.items().get(0).document().path("initialTwin").path("tags").path("x").asInt()).isEqualTo(1);
    }

    @Test
    void unknownColumnsAndAMissingIdColumnAreRefusedAtTheHeader() throws Exception {
        var p = parse("deviceId,colour\nx,red\n");
        assertThat(p.problems()).extracting(EnrollmentRows.Problem::message)
                .anyMatch(m -> m.contains("unknown column 'colour'"))
                .anyMatch(m -> m.contains("no registrationId column"));
        assertThat(parse("").problems().get(0).message()).contains("empty");
    }

    @Test
    void tpmRowsCarryTheEndorsementKey() throws Exception {
        var p = parse("registrationId,attestation,endorsementKey\r\ntpm-1,tpm,AToAAQALAAMAsgAgg3GXZ0SEs/gakMyNRqXXJP1S124GUgtk8qHaGzMUaaoABgCAAEMAEAgAAAAAAAEA\r\n");
        assertThat(p.problems()).isEmpty();
        assertThat(p.items()).extracting(EnrollmentRows.Item::registrationId).isEqualTo(List.of("tpm-1"));
        assertThat(p.items().get(0).document().path("attestation").path("tpm").path("endorsementKey").asText()).startsWith("ATo");
    }
}
