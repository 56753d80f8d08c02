package dev.muster.core.sas;

import static dev.muster.core.testing.Sas.encodeLower;
import static dev.muster.core.testing.Sas.encodeUpper;
import static dev.muster.core.testing.Sas.signature;
import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.Ids;
import dev.muster.core.sas.SasVerifier.Result;
import dev.muster.core.testing.Sas;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tokens built exactly as each SDK builds them (reference §4.1, §4.4), verified the tolerant way (§0.2). */
class SasVerifierTest {
    private static final Instant NOW = Instant.parse("2025-01-15T10:00:00Z");
    private static final long SE = NOW.getEpochSecond() + 3600;
    private static final String SCOPE = "0ne00111111";
    private static final String REG = "dev1";
    private static final String RESOURCE = SCOPE + "/registrations/" + REG;

    private final SasVerifier verifier = new SasVerifier(Clock.fixed(NOW, ZoneOffset.UTC));
    private final String primary = Ids.symmetricKey();
    private final String secondary = Ids.symmetricKey();

    private Result verify(String header) {
        return verify(header, RESOURCE);
    }

    private Result verify(String header, String expectedResource) {
        return verifier.verify(SasToken.parse(header).orElseThrow(), expectedResource, List.of(primary, secondary));
    }

    @Test
    void acceptsTheCSdkLowerCaseEncodedResource() {
        String sr = "0ne00111111%2fregistrations%2fdev1";
        assertThat(encodeLower(RESOURCE)).isEqualTo(sr);
        String sig = signature(primary, sr + "\n" + SE);
        String token = "SharedAccessSignature sr=" + sr + "&sig=" + encodeLower(sig) + "&se=" + SE + "&skn=registration";

        assertThat(verify(token)).isEqualTo(Result.VALID);
    }

    @Test
    void acceptsTheCSdkEncodingOfAColonInTheRegistrationId() {
        String resource = SCOPE + "/registrations/aa:bb:cc";
        String sr = encodeLower(resource);
        assertThat(sr).contains("%3a");
        String token = "SharedAccessSignature sr=" + sr + "&sig=" + encodeLower(signature(primary, sr + "\n" + SE))
                + "&se=" + SE + "&skn=registration";

        assertThat(verify(token, resource)).isEqualTo(Result.VALID);
    }

    @Test
    void acceptsTheCEdgeHsmTokenThatSignsTheRawScopeButSendsItEncoded() {
        String token = "SharedAccessSignature sr=" + encodeLower(RESOURCE) + "&sig="
                + encodeLower(signature(primary, RESOURCE + "\n" + SE)) + "&se=" + SE + "&skn=registration";

        assertThat(verify(token)).isEqualTo(Result.VALID);
    }

    @Test
    void acceptsTheJavaSdkRawResourceWithAnEmptySkn() {
        String token = "SharedAccessSignature sr=" + RESOURCE + "&sig="
                + URLEncoder.encode(signature(primary, RESOURCE + "\n" + SE), StandardCharsets.UTF_8) + "&se=" + SE + "&skn=";

        assertThat(verify(token)).isEqualTo(Result.VALID);
        assertThat(verify(Sas.javaDevice(RESOURCE, primary, SE))).isEqualTo(Result.VALID);
    }

    @Test
    void acceptsTheNodeSymmetricKeyRawResourceWithSknRegistration() {
        String token = "SharedAccessSignature sr=" + RESOURCE + "&sig=" + encodeUpper(signature(primary, RESOURCE + "\n" + SE))
                + "&skn=registration&se=" + SE;

        assertThat(verify(token)).isEqualTo(Result.VALID);
    }

    @Test
    void acceptsTheNodeTpmEncodeUriComponentResource() {
        String sr = encodeUpper(RESOURCE);
        assertThat(sr).isEqualTo("0ne00111111%2Fregistrations%2Fdev1");
        String token = "SharedAccessSignature sr=" + sr + "&sig=" + encodeUpper(signature(primary, sr + "\n" + SE))
                + "&skn=registration&se=" + SE;

        assertThat(verify(token)).isEqualTo(Result.VALID);
    }

    @Test
    void acceptsThePythonQuotedResourceWithoutSkn() {
        String sr = encodeUpper(RESOURCE);
        // Python quotes the signature with quote(): '/' stays, '+' and '=' are escaped.
        String sig = signature(primary, sr + "\n" + SE).replace("+", "%2B").replace("=", "%3D");
        String token = "SharedAccessSignature sr=" + sr + "&sig=" + sig + "&se=" + SE;

        assertThat(verify(token)).isEqualTo(Result.VALID);
    }

    @Test
    void acceptsTheDocsSampleQuotePlusToken() {
        // urlencode({'sr': uri, 'sig': b64sig, 'se': ..., 'skn': 'registration'}) with the quote_plus(uri) form signed.
        String sr = URLEncoder.encode(RESOURCE, StandardCharsets.UTF_8);
        String token = "SharedAccessSignature sr=" + sr
                + "&sig=" + URLEncoder.encode(signature(primary, sr + "\n" + SE), StandardCharsets.UTF_8)
                + "&se=" + SE + "&skn=registration";

        assertThat(verify(token)).isEqualTo(Result.VALID);
    }

    @Test
    void acceptsASignatureWithAPlusThatWasNotUrlEncoded() {
        long se = SE;
        String sig = signature(primary, RESOURCE + "\n" + se);
        while (!sig.contains("+")) {
            se++;
            sig = signature(primary, RESOURCE + "\n" + se);
        }
        String token = "SharedAccessSignature sr=" + RESOURCE + "&sig=" + sig + "&se=" + se;

        assertThat(verify(token)).isEqualTo(Result.VALID);
    }

    @Test
    void acceptsTheSecondaryKey() {
        assertThat(verify(Sas.javaDevice(RESOURCE, secondary, SE))).isEqualTo(Result.VALID);
        assertThat(verify(Sas.cDevice(RESOURCE, secondary, SE))).isEqualTo(Result.VALID);
    }

    @Test
    void comparesTheResourceCaseInsensitively() {
        String resource = "0NE00111111/registrations/DEV1";

        assertThat(verify(Sas.javaDevice(resource, primary, SE))).isEqualTo(Result.VALID);
    }

    @Test
    void acceptsATokenThatExpiresThisVerySecond() {
        assertThat(verify(Sas.javaDevice(RESOURCE, primary, NOW.getEpochSecond()))).isEqualTo(Result.VALID);
    }

    @Test
    void refusesAnExpiredToken() {
        assertThat(verify(Sas.javaDevice(RESOURCE, primary, NOW.getEpochSecond() - 1))).isEqualTo(Result.EXPIRED);
    }

    @Test
    void refusesATokenForAnotherRegistration() {
        String other = SCOPE + "/registrations/dev2";

        assertThat(verify(Sas.javaDevice(other, primary, SE))).isEqualTo(Result.WRONG_RESOURCE);
        assertThat(verify(Sas.cDevice(other, primary, SE))).isEqualTo(Result.WRONG_RESOURCE);
    }

    @Test
    void refusesATokenForAnotherScope() {
        assertThat(verify(Sas.javaDevice("0ne00222222/registrations/dev1", primary, SE)))
                .isEqualTo(Result.WRONG_RESOURCE);
    }

    @Test
    void refusesATokenSignedWithAnotherKey() {
        assertThat(verify(Sas.javaDevice(RESOURCE, Ids.symmetricKey(), SE))).isEqualTo(Result.BAD_SIGNATURE);
        assertThat(verify(Sas.cDevice(RESOURCE, Ids.symmetricKey(), SE))).isEqualTo(Result.BAD_SIGNATURE);
    }

    @Test
    void refusesATokenWhoseExpiryWasChangedAfterSigning() {
        String token = Sas.javaDevice(RESOURCE, primary, SE).replace("&se=" + SE, "&se=" + (SE + 86400));

        assertThat(verify(token)).isEqualTo(Result.BAD_SIGNATURE);
    }

    @Test
    void refusesASignatureThatIsNotBase64() {
        assertThat(verify("SharedAccessSignature sr=" + RESOURCE + "&sig=%%%not-base64!&se=" + SE))
                .isEqualTo(Result.BAD_SIGNATURE);
    }

    @Test
    void refusesEverythingWhenNoKeyIsGiven() {
        SasToken token = SasToken.parse(Sas.javaDevice(RESOURCE, primary, SE)).orElseThrow();

        assertThat(verifier.verify(token, RESOURCE, List.of())).isEqualTo(Result.BAD_SIGNATURE);
    }

    @Test
    void skipsNullAndBlankCandidateKeys() {
        SasToken token = SasToken.parse(Sas.javaDevice(RESOURCE, secondary, SE)).orElseThrow();

        assertThat(verifier.verify(token, RESOURCE, Arrays.asList(null, " ", "", secondary))).isEqualTo(Result.VALID);
    }

    @Test
    void checksExpiryBeforeTheResourceAndTheResourceBeforeTheSignature() {
        String expiredForOtherWithWrongKey = Sas.javaDevice(SCOPE + "/registrations/dev2", Ids.symmetricKey(),
                NOW.getEpochSecond() - 10);
        String otherWithWrongKey = Sas.javaDevice(SCOPE + "/registrations/dev2", Ids.symmetricKey(), SE);

        assertThat(verify(expiredForOtherWithWrongKey)).isEqualTo(Result.EXPIRED);
        assertThat(verify(otherWithWrongKey)).isEqualTo(Result.WRONG_RESOURCE);
    }

    // ---- hub device tokens (§4.4) ---------------------------------------------------------------------------

    @Test
    void acceptsTheJavaHubDeviceTokenWithSigSeSrOrder() {
        String resource = "hub.muster.test/devices/thermo-1";
        String token = "SharedAccessSignature sig=" + URLEncoder.encode(signature(primary, resource + "\n" + SE),
                StandardCharsets.UTF_8) + "&se=" + SE + "&sr=" + resource;

        assertThat(verify(token, resource)).isEqualTo(Result.VALID);
    }

    @Test
    void acceptsTheCHubDeviceTokenWithoutSkn() {
        String resource = "hub.muster.test/devices/thermo-1";
        String token = "SharedAccessSignature sr=" + resource + "&sig=" + encodeLower(signature(primary, resource + "\n" + SE))
                + "&se=" + SE;

        assertThat(verify(token, resource)).isEqualTo(Result.VALID);
    }

    @Test
    void acceptsTheEncodedHubDeviceTokenOfTheDocsAndJavaTpm() {
        String resource = "hub.muster.test/devices/thermo-1";
        String sr = URLEncoder.encode(resource, StandardCharsets.UTF_8);
        String token = "SharedAccessSignature sr=" + sr + "&sig="
                + URLEncoder.encode(signature(primary, sr + "\n" + SE), StandardCharsets.UTF_8) + "&se=" + SE;

        assertThat(verify(token, resource)).isEqualTo(Result.VALID);
    }

    @Test
    void refusesAHubTokenForAnotherDevice() {
        String token = "SharedAccessSignature sig=" + encodeUpper(signature(primary, "hub.muster.test/devices/other\n" + SE))
                + "&se=" + SE + "&sr=hub.muster.test/devices/other";

        assertThat(verify(token, "hub.muster.test/devices/thermo-1")).isEqualTo(Result.WRONG_RESOURCE);
    }

    @Test
    void ignoresASchemeAndATrailingSlashOnTheResource() {
        String resource = "https://hub.muster.test/devices/thermo-1/";
        String token = "SharedAccessSignature sr=" + resource + "&sig=" + encodeUpper(signature(primary, resource + "\n" + SE))
                + "&se=" + SE;

        assertThat(verify(token, "hub.muster.test/devices/thermo-1")).isEqualTo(Result.VALID);
    }

    @Test
    void verifiesWhatTheProductionSignerProduces() {
        String token = SasSigner.sign(RESOURCE, primary, "registration", SE);

        assertThat(verify(token)).isEqualTo(Result.VALID);
    }
}
