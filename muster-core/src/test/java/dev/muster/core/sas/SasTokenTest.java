package dev.muster.core.sas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SasTokenTest {

    @Test
    void parsesTheUsualFieldOrder() {
        SasToken t = SasToken.parse("SharedAccessSignature sr=0ne00111111%2fregistrations%2fdev1&sig=abc%3d&se=1700000000"
                + "&skn=registration").orElseThrow();

        assertThat(t.rawResource()).isEqualTo("0ne00111111%2fregistrations%2fdev1");
        assertThat(t.resource()).isEqualTo("0ne00111111/registrations/dev1");
        assertThat(t.rawSignature()).isEqualTo("abc%3d");
        assertThat(t.expiry()).isEqualTo(1700000000L);
        assertThat(t.keyName()).isEqualTo("registration");
    }

    @Test
    void parsesFieldsInAnyOrder() {
        SasToken javaHubOrder = SasToken.parse("SharedAccessSignature sig=s1g&se=42&sr=hub.example/devices/d1").orElseThrow();
        SasToken skewed = SasToken.parse("SharedAccessSignature skn=owner&se=42&sig=s1g&sr=hub.example").orElseThrow();

        assertThat(javaHubOrder.rawResource()).isEqualTo("hub.example/devices/d1");
        assertThat(javaHubOrder.rawSignature()).isEqualTo("s1g");
        assertThat(javaHubOrder.expiry()).isEqualTo(42L);
        assertThat(javaHubOrder.keyName()).isNull();
        assertThat(skewed.keyName()).isEqualTo("owner");
        assertThat(skewed.rawResource()).isEqualTo("hub.example");
    }

    @Test
    void acceptsAnyCaseOfFieldNamesAndOfThePrefix() {
        SasToken t = SasToken.parse("sharedaccesssignature SR=a%2Fb&SIG=x&Se=7&SKN=k").orElseThrow();

        assertThat(t.resource()).isEqualTo("a/b");
        assertThat(t.rawSignature()).isEqualTo("x");
        assertThat(t.expiry()).isEqualTo(7L);
        assertThat(t.keyName()).isEqualTo("k");
    }

    @Test
    void keepsEqualsSignsInsideAnUnencodedSignature() {
        SasToken t = SasToken.parse("SharedAccessSignature sr=r&sig=ab+c/d==&se=1").orElseThrow();

        assertThat(t.rawSignature()).isEqualTo("ab+c/d==");
    }

    @Test
    void ignoresLeadingAndTrailingWhitespace() {
        assertThat(SasToken.parse("  SharedAccessSignature sr=r&sig=s&se=1 \r\n")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SharedAccessSignature sig=s&se=1",            // no sr
            "SharedAccessSignature sr=r&se=1",             // no sig
            "SharedAccessSignature sr=r&sig=s",            // no se
            "SharedAccessSignature sr=&sig=s&se=1",        // empty sr
            "SharedAccessSignature sr=r&sig=&se=1",        // empty sig
            "SharedAccessSignature ",
            "SharedAccessSignature",
            "Bearer sr=r&sig=s&se=1",
            "sr=r&sig=s&se=1",
            "SharedAccessSignaturesr=r&sig=s&se=1"})
    void refusesATokenWithAMissingField(String header) {
        assertThat(SasToken.parse(header)).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    void refusesNoHeaderAtAll(String header) {
        assertThat(SasToken.parse(header)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "12a", "1.5", "99999999999999999999", "0x10", "١٢"})
    void refusesAnExpiryThatIsNotEpochSeconds(String se) {
        assertThat(SasToken.parse("SharedAccessSignature sr=r&sig=s&se=" + se)).isEmpty();
    }

    @Test
    void treatsAnEmptySknLikeTheJavaSdkSendsItAsNoKeyName() {
        assertThat(SasToken.parse("SharedAccessSignature sr=r&sig=s&se=1&skn=").orElseThrow().keyName()).isNull();
    }

    @Test
    void treatsAMissingSknLikeThePythonSdkAsNoKeyName() {
        assertThat(SasToken.parse("SharedAccessSignature sr=r&sig=s&se=1").orElseThrow().keyName()).isNull();
    }

    @Test
    void urlDecodesTheKeyName() {
        assertThat(SasToken.parse("SharedAccessSignature sr=r&sig=s&se=1&skn=my%20policy").orElseThrow().keyName())
                .isEqualTo("my policy");
    }

    @Test
    void decodesAPlusInTheResourceAsAPlusNotASpace() {
        assertThat(SasToken.parse("SharedAccessSignature sr=a+b&sig=s&se=1").orElseThrow().resource()).isEqualTo("a+b");
    }

    @Test
    void keepsAResourceWithABrokenEscapeAsWritten() {
        Optional<SasToken> t = SasToken.parse("SharedAccessSignature sr=a%zzb&sig=s&se=1");

        assertThat(t).isPresent();
        assertThat(t.get().resource()).isEqualTo("a%zzb");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "sr=first&sr=second&sig=s&se=1",     // a field twice
            "sr=r&sig=s&se=1&SE=2",              // twice in another case
            "sr=r&sig=s&se=1&",                  // a trailing empty part
            "sr=r&&sig=s&se=1",                  // an empty part inside
            "sr=r&sig=s&se=1&foo=bar",           // an unknown field
            "sr=r&sig=s&se=1&junk",              // a part without '='
            "sr=r&sig=s&se=1 junk",              // trailing words
            "sr=r& sig=s&se=1",                  // a space before a name
            "sr=r&sig=s&se =1",                  // a space after a name
            "sr=r&sig=s t&se=1"})                // a space inside a value
    void refusesWhatNoSdkSends(String fields) {
        assertThat(SasToken.parse("SharedAccessSignature " + fields)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"+1700000000", "-1", " 1700000000", "01700000000", "1700000000.0", "1e9",
            "9223372036854775807", "253402300800"})
    void refusesAnExpiryThatIsNotPlainEpochSecondsUpToTheYear9999(String se) {
        assertThat(SasToken.parse("SharedAccessSignature sr=r&sig=s&se=" + se)).isEmpty();
    }

    @Test
    void acceptsAnExpiryUpToTheLastSecondOfTheYear9999() {
        assertThat(SasToken.parse("SharedAccessSignature sr=r&sig=s&se=253402300799").orElseThrow().expiry())
                .isEqualTo(SasToken.MAX_EXPIRY);
        assertThat(SasToken.parse("SharedAccessSignature sr=r&sig=s&se=0").orElseThrow().expiry()).isZero();
    }

    @Test
    void acceptsTheJavaDeviceSdksOrderWithItsEmptySknInTheMiddle() {
        SasToken t = SasToken.parse("SharedAccessSignature sig=s1g%3D&se=1700000000&skn=&sr=hub.example%2Fdevices%2Fd1")
                .orElseThrow();

        assertThat(t.resource()).isEqualTo("hub.example/devices/d1");
        assertThat(t.keyName()).isNull();
    }
}
