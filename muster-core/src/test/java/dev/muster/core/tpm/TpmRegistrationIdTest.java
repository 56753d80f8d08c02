package dev.muster.core.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TpmRegistrationIdTest {

    @Test
    void isTheUnpaddedLowercaseBase32OfTheEkHash() {
        // Expected value computed with Python's base64.b32encode(hashlib.sha256(ek.pub)) (see the vectors file).
        byte[] ek = SwtpmVectors.base64("ek.tpm2bPublic");
        assertThat(TpmRegistrationId.of(ek)).isEqualTo(SwtpmVectors.text("ek.registrationId")).hasSize(52);
        assertThat(TpmRegistrationId.of(TpmPublic.parse(ek))).isEqualTo(SwtpmVectors.text("ek.registrationId"));
    }

    @Test
    void base32MatchesRfc4648WithoutPadding() {
        String[][] vectors = {{"", ""}, {"f", "my"}, {"fo", "mzxq"}, {"foo", "mzxw6"}, {"foob", "mzxw6yq"},
                {"fooba", "mzxw6ytb"}, {"foobar", "mzxw6ytboi"}};
        for (String[] v : vectors) {
            assertThat(TpmRegistrationId.base32(v[0].getBytes(StandardCharsets.US_ASCII))).isEqualTo(v[1]);
        }
    }

    @Test
    void needsAnEndorsementKey() {
        assertThatThrownBy(() -> TpmRegistrationId.of(new byte[0])).isInstanceOf(TpmException.class);
    }
}
