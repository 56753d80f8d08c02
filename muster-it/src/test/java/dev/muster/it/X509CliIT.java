package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import dev.muster.core.Json;
import dev.muster.core.x509.Certificates;
import dev.muster.it.CliIT.Run;
import dev.muster.it.X509Devices.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The X.509 quickstart from the command line: make certificates, prove possession, enroll, register with the SDK. */
class X509CliIT {

    private static Identity load(Path dir, String prefix) throws Exception {
        List<X509Certificate> chain = Certificates.parseAll(Files.readString(dir.resolve(prefix + ".chain.pem")), "chain");
        PrivateKey key = Certificates.readPrivateKey(Files.readString(dir.resolve(prefix + ".key.pem")), "key");
        return new Identity(chain.get(0), key, chain.subList(1, chain.size()));
    }

    private static Run ok(String... args) {
        Run r = CliIT.muster(args);
        assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.out() + r.err()).isZero();
        return r;
    }

    @Test
    void quickstartWithTheCommandLine() throws Exception {
        MusterUnderTest.info();
        Path dir = Files.createTempDirectory("muster-x509-cli-");
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String rootName = "cli-root-" + tag;
        ok("certificate", "create-root", rootName, "--out", dir.toString());
        ok("certificate", "create-intermediate", "cli-int-" + tag, "--ca", rootName, "--out", dir.toString(), "--rsa");
        String deviceId = "cli-x509-" + tag;
        Run made = ok("certificate", "create-device", deviceId, "--ca", "cli-int-" + tag, "--out", dir.toString());
        assertThat(made.out()).contains(deviceId + ".chain.pem").contains("SHA-1:");
        assertThat(CliIT.muster("certificate", "create-root", rootName, "--out", dir.toString()).exit())
                .as("no silent overwrite").isEqualTo(2);

        ok("certificate", "upload", rootName, dir.resolve(rootName + ".cert.pem").toString());
        Run shown = ok("certificate", "show", rootName);
        assertThat(shown.out()).contains("isVerified").contains("false").contains("sha256Thumbprint");

        // The wrong key is refused locally with the reason; the right one does the whole proof of possession.
        ok("certificate", "create-root", "other-" + tag, "--out", dir.toString());
        Run wrongKey = CliIT.muster("certificate", "verify", rootName, "--ca-key",
                dir.resolve("other-" + tag + ".key.pem").toString());
        assertThat(wrongKey.exit()).isEqualTo(2);
        assertThat(wrongKey.err()).contains("does not belong to certificate '" + rootName + "'");
        Run verified = ok("certificate", "verify", rootName, "--ca-key", dir.resolve(rootName + ".key.pem").toString());
        assertThat(verified.out()).contains("is verified");
        JsonNode list = Json.tree(ok("certificate", "list", "-o", "json").out());
        assertThat(list.path("value").findValues("name").stream().map(JsonNode::asText)).contains(rootName);

        String group = "cli-x509-grp-" + tag;
        ok("enrollment-group", "create", group, "--ca-reference", rootName);
        Run groupShown = ok("enrollment-group", "show", group);
        assertThat(groupShown.out()).contains("x509").contains("caReferences.primary").contains(rootName);

        Identity device = load(dir, deviceId);
        assertThat(device.chain()).hasSize(1);
        X509ProvisioningIT.assertAssigned(X509Devices.register(device, ProvisioningDeviceClientTransportProtocol.HTTPS),
                deviceId);
        Run record = ok("registration", "show", deviceId, "-o", "json");
        assertThat(Json.tree(record.out()).path("registration").path("status").asText()).isEqualTo("assigned");

        // An individual enrollment from a self-signed device certificate made by the CLI.
        String solo = "cli-solo-" + tag;
        ok("certificate", "create-device", solo, "--out", dir.toString(), "--key-type", "ec-p384");
        ok("enrollment", "create", solo, "--certificate", dir.resolve(solo + ".cert.pem").toString());
        X509ProvisioningIT.assertAssigned(X509Devices.register(load(dir, solo),
                ProvisioningDeviceClientTransportProtocol.MQTT), solo);

        // Refusals say why, for the operator.
        Run bad = CliIT.muster("certificate", "upload", "bad-" + tag, dir.resolve(solo + ".key.pem").toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("400").contains("private key");
        Run inUse = CliIT.muster("certificate", "delete", rootName);
        assertThat(inUse.exit()).isEqualTo(1);
        assertThat(inUse.err()).contains(group);
    }
}
