package dev.muster.core.sas;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import dev.muster.core.Ids;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reference §4.2: deviceKey = base64(HMAC-SHA256(base64decode(groupKey), utf8(registrationId))). */
class DerivedKeyTest {
    private static final String GROUP_KEY =
            "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw==";

    private static String azureSdk(String groupKey, String registrationId) throws Exception {
        return new String(SecurityProviderSymmetricKey.ComputeDerivedSymmetricKey(
                groupKey.getBytes(StandardCharsets.UTF_8), registrationId), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev1", "sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6", "Thermostat.Floor_2", "aa:bb:cc:dd:ee:ff",
            "UPPER-case-ID", "x",
            "a123456789b123456789c123456789d123456789e123456789f123456789g123456789h123456789i123456789j12345678-k"})
    void equalsTheAzureSdkComputation(String registrationId) throws Exception {
        assertThat(DerivedKey.of(GROUP_KEY, registrationId)).isEqualTo(azureSdk(GROUP_KEY, registrationId));
    }

    @Test
    void equalsTheAzureSdkComputationForRandomGroupKeysOfEverySize() throws Exception {
        for (int size : new int[] {16, 32, 48, 64}) {
            String key = Base64.getEncoder().encodeToString(Ids.randomBytes(size));
            assertThat(DerivedKey.of(key, "device-" + size)).isEqualTo(azureSdk(key, "device-" + size));
        }
    }

    @Test
    void equalsTheRfc4231HmacSha256TestVector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
        String key = Base64.getEncoder().encodeToString("Jefe".getBytes(StandardCharsets.US_ASCII));
        byte[] expected = HexFormat.of().parseHex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");

        assertThat(DerivedKey.of(key, "what do ya want for nothing?"))
                .isEqualTo(Base64.getEncoder().encodeToString(expected));
    }

    @Test
    void dependsOnTheExactRegistrationIdIncludingItsCase() {
        assertThat(DerivedKey.of(GROUP_KEY, "dev1")).isNotEqualTo(DerivedKey.of(GROUP_KEY, "DEV1"));
        assertThat(DerivedKey.of(GROUP_KEY, "dev1")).isNotEqualTo(DerivedKey.of(GROUP_KEY, "dev2"));
    }

    @Test
    void givesAThirtyTwoByteBase64KeyUsableAsAHubKey() {
        assertThat(Base64.getDecoder().decode(DerivedKey.of(GROUP_KEY, "dev1"))).hasSize(32);
    }
}
