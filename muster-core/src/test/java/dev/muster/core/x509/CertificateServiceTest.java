package dev.muster.core.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.enrollment.AttestationMechanism;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.testing.Fixtures;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.x509.TestPki.Issued;
import java.time.Clock;
import java.util.Base64;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Proof of possession and the instance's CA certificates; enrollment documents with X.509 attestation. */
class CertificateServiceTest {
    private static final String I = "contoso";
    private final Clock clock = Clock.systemUTC();
    private final InMemoryStore store = new InMemoryStore();
    private final ChainVerifier chains = new ChainVerifier(clock);
    private final CertificateService service = new CertificateService(store, store, chains, clock);
    private final EnrollmentService enrollments = new EnrollmentService(store, store, store, store, new UsageMeter(store, clock),
            clock);
    private final Issued root = TestPki.root("PoP Root");

    private static ProvisioningException refusal(ThrowingCallable call) {
        try {
            call.call();
        } catch (ProvisioningException e) {
            return e;
        } catch (Throwable t) {
            throw new AssertionError("expected a ProvisioningException, got " + t, t);
        }
        throw new AssertionError("expected a ProvisioningException");
    }

    @Test
    void proofOfPossessionVerifiesTheCa() {
        CaCertificate up = service.put(I, "root1", root.pem(), null, null).certificate();
        assertThat(up.isVerified()).isFalse();
        assertThat(up.sha1Thumbprint()).isEqualTo(Certificates.sha1(root.cert()));
        assertThat(up.subject()).isEqualTo("CN=PoP Root, O=Muster");

        assertThat(refusal(() -> service.generateVerificationCode(I, "root1", null)).getMessage())
                .contains("If-Match");
        assertThat(refusal(() -> service.generateVerificationCode(I, "root1", "\"stale\"")).httpStatus()).isEqualTo(412);
        CaCertificate pending = service.generateVerificationCode(I, "root1", up.etag());
        String code = pending.verificationCode();
        assertThat(code).matches("[0-9A-F]{48}");

        // Wrong CN, wrong key, then right.
        var wrongCn = CertificateMaker.verification("not-the-code", root.cert(), root.keys().getPrivate());
        assertThat(refusal(() -> service.verify(I, "root1", pending.etag(), Certificates.pem(wrongCn))).getMessage())
                .contains("has subject CN 'not-the-code', not the verification code '" + code + "'");
        Issued impostor = TestPki.root("PoP Root");
        var wrongKey = CertificateMaker.verification(code, impostor.cert(), impostor.keys().getPrivate());
        assertThat(refusal(() -> service.verify(I, "root1", pending.etag(), Certificates.pem(wrongKey))).getMessage())
                .contains("signature does not verify with the public key of certificate 'root1'");
        var other = TestPki.root("Other");
        var wrongIssuer = CertificateMaker.verification(code, other.cert(), other.keys().getPrivate());
        assertThat(refusal(() -> service.verify(I, "root1", pending.etag(), Certificates.pem(wrongIssuer))).getMessage())
                .contains("was issued by 'CN=Other, O=Muster'");
        var right = CertificateMaker.verification(code, root.cert(), root.keys().getPrivate());
        CaCertificate verified = service.verify(I, "root1", pending.etag(), Certificates.pem(right));
        assertThat(verified.isVerified()).isTrue();
        assertThat(verified.verificationCode()).isNull();
        assertThat(service.get(I, "ROOT1").isVerified()).isTrue();
        // Uploading the same certificate again keeps it verified; another one starts unverified.
        assertThat(service.put(I, "root1", root.pem(), null, null).certificate().isVerified()).isTrue();
        assertThat(service.put(I, "root1", TestPki.root("New").pem(), null, null).certificate().isVerified()).isFalse();
    }

    @Test
    void malformedAndNonCaUploadsAreRefusedClearly() {
        assertThat(refusal(() -> service.put(I, "bad", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
                null, null))).satisfies(e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("not a valid DER X.509 certificate");
                });
        assertThat(refusal(() -> service.put(I, "bad", "hello, world", null, null)).getMessage())
                .contains("neither PEM").contains("nor base64 DER");
        assertThat(refusal(() -> service.put(I, "bad", Certificates.pem(root.keys().getPrivate()), null, null))
                .getMessage()).contains("holds a private key");
        assertThat(refusal(() -> service.put(I, "bad", root.pem() + root.issueCa("x").pem(), null, null)).getMessage())
                .contains("holds 2 certificates");
        assertThat(refusal(() -> service.put(I, "bad", Certificates.pem(root.issueDevice("leaf").cert()), null, null))
                .getMessage()).contains("lacks basicConstraints CA=true");
        assertThat(refusal(() -> service.put(I, "bad name!", root.pem(), null, null)).getMessage())
                .contains("certificate name");
        // base64 DER is as good as PEM.
        String der = Base64.getEncoder().encodeToString(encoded(root));
        assertThat(service.put(I, "der", der, null, null).certificate().sha256Thumbprint())
                .isEqualTo(Certificates.sha256(root.cert()));
    }

    private static byte[] encoded(Issued i) {
        try {
            return i.cert().getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aCertificateReferencedByAGroupCannotBeDeleted() {
        service.put(I, "root1", root.pem(), true, null);
        enrollments.putGroup(I, "g1", Fixtures.group("g1", new AttestationMechanism("x509", null,
                Json.tree("{\"caReferences\":{\"primary\":\"root1\"}}"), null)), null);
        assertThat(refusal(() -> service.delete(I, "root1", null)).getMessage()).contains("[g1]");
        enrollments.deleteGroup(I, "g1", null);
        service.delete(I, "root1", null);
        assertThat(refusal(() -> service.get(I, "root1")).httpStatus()).isEqualTo(404);
    }

    @Test
    void enrollmentsValidateAndDescribeTheirCertificates() {
        Issued device = root.issueDevice("dev-a");
        var e = enrollments.putEnrollment(I, "dev-a", Fixtures.individual("dev-a", new AttestationMechanism("x509",
                null, Json.tree("{\"clientCertificates\":{\"primary\":{\"certificate\":"
                + Json.write(Base64.getEncoder().encodeToString(Certificates.pem(device.cert()).getBytes()))
                + "}}}"), null)), null).value();
        var info = e.attestation().x509().path("clientCertificates").path("primary").path("info");
        assertThat(info.path("sha1Thumbprint").asText()).isEqualTo(Certificates.sha1(device.cert()));
        assertThat(info.path("subjectName").asText()).isEqualTo("CN=dev-a, O=Muster");
        assertThat(info.path("notAfterUtc").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(info.path("version").asInt()).isEqualTo(3);

        assertThat(refusal(() -> enrollments.putEnrollment(I, "dev-b", Fixtures.individual("dev-b",
                new AttestationMechanism("x509", null, Json.tree("{\"clientCertificates\":{\"primary\":{\"certificate\":"
                        + Json.write(Certificates.pem(device.cert())) + "}}}"), null)), null)).getMessage())
                .contains("has subject CN 'dev-a', but the registration ID is 'dev-b'");
        assertThat(refusal(() -> enrollments.putGroup(I, "g", Fixtures.group("g", new AttestationMechanism("x509", null,
                Json.tree("{\"clientCertificates\":{\"primary\":{\"certificate\":\"x\"}}}"), null)), null)).getMessage())
                .contains("Enrollment groups use signingCertificates or caReferences");
        assertThat(refusal(() -> enrollments.putGroup(I, "g", Fixtures.group("g", new AttestationMechanism("x509", null,
                Json.tree("{\"signingCertificates\":{\"primary\":{\"certificate\":\"@@@\"}}}"), null)), null))
                .getMessage()).contains("attestation.x509.signingCertificates.primary.certificate");
        assertThat(refusal(() -> enrollments.putGroup(I, "g", Fixtures.group("g", new AttestationMechanism("x509", null,
                Json.tree("{\"caReferences\":{\"primary\":\"nope\"}}"), null)), null)).getMessage())
                .contains("'nope' names no certificate of this instance");
        assertThatThrownBy(() -> enrollments.putGroup(I, "g", Fixtures.group("g", new AttestationMechanism("x509", null,
                Json.tree("{\"signingCertificates\":{\"primary\":{\"certificate\":" + Json.write(Certificates.pem(
                        device.cert())) + "}}}"), null)), null)).hasMessageContaining("is not a CA certificate");
    }
}
