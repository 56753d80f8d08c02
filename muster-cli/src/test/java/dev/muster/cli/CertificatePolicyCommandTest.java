package dev.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificatePolicyCommandTest {
    private static final JsonNode CURRENT = Json.tree("{\"name\":\"fleet\",\"issuingCa\":\"default\",\"validityDays\":30,"
            + "\"keyTypes\":[\"ec-p256\",\"rsa\"],\"crlDistributionPoint\":\"http://pki.example/a.crl\",\"etag\":\"e1\"}");

    @Test
    void keyTypesAreSpelledAsTheApiDoesWhateverTheCaseAndSeparators() {
        assertThat(CertificatePolicyCommand.keyTypes("EC-P256, rsa ec_p384,rsa"))
                .containsExactly("ec-p256", "rsa", "ec-p384");
    }

    @Test
    void anUnknownOrNoKeyTypeIsAUsageError() {
        assertThatThrownBy(() -> CertificatePolicyCommand.keyTypes("ec-p521")).isInstanceOf(UsageError.class)
                .hasMessageContaining("ec-p256, ec-p384, rsa");
        assertThatThrownBy(() -> CertificatePolicyCommand.keyTypes(" , ")).isInstanceOf(UsageError.class);
        assertThat(Main.run("certificate-policy", "set", "fleet", "--key-types", "dsa", "--connection-string",
                "HostName=h;SharedAccessKeyName=k;SharedAccessKey=a2V5")).as("refused before any call").isEqualTo(2);
    }

    @Test
    void setChangesOnlyTheOptionsGivenAndKeepsTheRest() {
        JsonNode body = CertificatePolicyCommand.merged(CURRENT, 7, null, null, null);
        assertThat(body.path("validityDays").asInt()).isEqualTo(7);
        assertThat(body.path("keyTypes").toString()).isEqualTo("[\"ec-p256\",\"rsa\"]");
        assertThat(body.path("crlDistributionPoint").asText()).isEqualTo("http://pki.example/a.crl");
        assertThat(body.has("etag")).as("the etag goes in If-Match").isFalse();
        assertThat(body.has("name")).as("the name is the path's").isFalse();
    }

    @Test
    void anEmptyCrlUrlRemovesItAndANewPolicyGetsOnlyWhatWasGiven() {
        assertThat(CertificatePolicyCommand.merged(CURRENT, null, null, null, "").has("crlDistributionPoint")).isFalse();
        JsonNode fresh = CertificatePolicyCommand.merged(null, null, "ec-p384", "operator", null);
        assertThat(List.of(fresh.fieldNames().next(), fresh.size())).containsExactly("keyTypes", 2);
        assertThat(fresh.path("issuingCa").asText()).isEqualTo("operator");
    }
}
