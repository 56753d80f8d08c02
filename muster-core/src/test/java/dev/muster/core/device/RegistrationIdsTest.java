package dev.muster.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.ProvisioningException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reference §1.1: ≤128 chars, alphanumerics plus - . _ :, last char alphanumeric or -. */
class RegistrationIdsTest {

    private static ProvisioningException refusal(Runnable r) {
        try {
            r.run();
        } catch (ProvisioningException e) {
            return e;
        }
        throw new AssertionError("expected a ProvisioningException");
    }

    @Test
    void acceptsAnIdOfExactly128Characters() {
        String id = "a".repeat(128);

        assertThat(RegistrationIds.requireValid(id, "registrationId")).isEqualTo(id);
    }

    @Test
    void refusesAnIdOf129CharactersAndSaysSo() {
        ProvisioningException e = refusal(() -> RegistrationIds.requireValid("a".repeat(129), "registrationId"));

        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.errorCode()).isEqualTo(400004);
        assertThat(e.getMessage()).contains("registrationId").contains("128");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "Z", "7", "dev1", "DEV-1", "my.device_01:ab-cd", "aa:bb:cc:dd:ee:ff", "ends-with-",
            "-", "-leading-dash", ".leading.dot1", "_x1", ":x1", "MiXeD.Case_Id"})
    void acceptsLettersDigitsAndDashDotUnderscoreColon(String id) {
        assertThat(RegistrationIds.requireValid(id, "registrationId")).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ends.", "ends_", "ends:", "dev1."})
    void refusesAnIdWhoseLastCharacterIsNotAlphanumericOrDash(String id) {
        ProvisioningException e = refusal(() -> RegistrationIds.requireValid(id, "registrationId"));

        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.getMessage()).contains("registrationId").contains("end with");
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "slash/id", "hash#", "q?x", "amp&x", "plus+x", "percent%41", "star*x",
            "émoji", "tab\tx", "new\nline", "at@x"})
    void refusesOtherCharacters(String id) {
        ProvisioningException e = refusal(() -> RegistrationIds.requireValid(id, "registrationId"));

        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.getMessage()).contains("registrationId");
    }

    @Test
    void refusesAMissingIdNamingTheField() {
        assertThat(refusal(() -> RegistrationIds.requireValid(null, "enrollmentGroupId")).getMessage())
                .contains("enrollmentGroupId").contains("missing");
        assertThat(refusal(() -> RegistrationIds.requireValid("", "registrationId")).getMessage())
                .contains("registrationId");
    }

    @Test
    void namesTheFieldItWasGiven() {
        assertThat(refusal(() -> RegistrationIds.requireValid("bad id", "enrollmentGroupId")).getMessage())
                .contains("enrollmentGroupId").doesNotContain("registrationId");
    }

    @Test
    void neverEchoesControlCharactersOrHugeIdsIntoTheMessage() {
        String message = refusal(() -> RegistrationIds.requireValid("bad\u0000id\u001b[31m", "registrationId"))
                .getMessage();

        assertThat(message).doesNotContain("\u0000").doesNotContain("\u001b");
        assertThat(refusal(() -> RegistrationIds.requireValid("x y".repeat(40), "registrationId")).getMessage())
                .hasSizeLessThan(250);
    }

    @Test
    void keysCompareCaseInsensitively() {
        assertThat(RegistrationIds.key("Dev-ABC.1")).isEqualTo(RegistrationIds.key("dev-abc.1")).isEqualTo("dev-abc.1");
    }

    // ---- hub device IDs -------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"dev1", "Dev.1", "a-b_c", "x%41", "star*", "q?", "bang!", "(paren)", "comma,", "colon:",
            "eq=", "at@x", "dollar$", "quote'", "end."})
    void acceptsTheIotHubDeviceIdCharacterSet(String id) {
        assertThat(RegistrationIds.requireValidDeviceId(id)).isEqualTo(id);
    }

    @Test
    void acceptsADeviceIdOf128CharactersButNot129() {
        assertThat(RegistrationIds.requireValidDeviceId("d".repeat(128))).hasSize(128);
        assertThat(refusal(() -> RegistrationIds.requireValidDeviceId("d".repeat(129))).getMessage())
                .contains("deviceId");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "slash/x", "hash#", "amp&", "plus+", "semi;", "émoji", "back\\slash"})
    void refusesOtherDeviceIdsNamingTheField(String id) {
        ProvisioningException e = refusal(() -> RegistrationIds.requireValidDeviceId(id));

        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.getMessage()).contains("deviceId");
    }

    @Test
    void acceptsAnAbsentDeviceId() {
        assertThat(RegistrationIds.requireValidDeviceId(null)).isNull();
    }

    @Test
    void refusalIsA400() {
        assertThatThrownBy(() -> RegistrationIds.requireValid("a b", "registrationId"))
                .isInstanceOfSatisfying(ProvisioningException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
    }
}
