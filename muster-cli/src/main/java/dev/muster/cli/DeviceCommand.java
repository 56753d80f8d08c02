package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.sas.DerivedKey;
import dev.muster.core.sas.Hmac;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "device", mixinStandardHelpOptions = true,
        description = "Act as a device, for trying Muster without writing code.",
        subcommands = {DeviceCommand.Register.class},
        footer = {"", "Example:", "  ./muster device register sensor-17 --key <enrollment primary key>"})
final class DeviceCommand {

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = {"Register like an Azure SDK device does (DPS over HTTPS, symmetric key):",
                    "register, poll until done, print the assigned hub and a device connection string."},
            footer = {"", "Examples:", "  ./muster device register sensor-17 --key <enrollment primary key>",
                    "  ./muster device register sensor-17 --key <key> --csr sensor-17.csr.der --certificate-out sensor-17.pem",
                    "  ./muster device register line3-unit-9 --group-key <group primary key>"})
    static final class Register implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @picocli.CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "REGISTRATION_ID",
                description = "Registration ID (with --tpm, derived from the EK when omitted, as the SDKs do).")
        String registrationId;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Credential credential;

        static final class Credential {
            @Option(names = "--key", description = "The device's own symmetric key (base64).") String key;
            @Option(names = "--group-key", description = "An enrollment group key; the device key is derived from it.")
            String groupKey;
            @Option(names = "--tpm", description = "Attest with the TPM that tpm2-tools reach (TPM2TOOLS_TCTI).")
            boolean tpm;
        }

        @Option(names = "--id-scope", description = "ID scope (default: from connection-info.json).") String idScope;
        @Option(names = "--global-endpoint", description = "host[:port] (default: from connection-info.json).")
        String globalEndpoint;
        @Option(names = "--payload", paramLabel = "JSON", description = "Custom payload sent with the registration.")
        String payload;

        @Option(names = "--tpm-work-dir", description = "Folder for tpm2-tools files (default: a temporary folder).")
        java.nio.file.Path tpmWorkDir;

        @Option(names = "--tcti", description = "TPM to use, e.g. swtpm:host=127.0.0.1,port=2321 (default: TPM2TOOLS_TCTI).")
        String tcti;

        @Option(names = "--csr", paramLabel = "FILE", description = {"Also ask for an operational certificate: a PKCS#10"
                + " request (DER or PEM) whose subject CN is the registration ID, sent as csr with api-version "
                + DeviceCsr.API_VERSION + "."})
        java.nio.file.Path csr;

        @Option(names = "--certificate-out", paramLabel = "FILE", description = "Where --csr's issued chain is written"
                + " as PEM, leaf first, ending with the root (default: REGISTRATION_ID.pem).")
        java.nio.file.Path certificateOut;

        @Override
        public Integer call() throws Exception {
            String scope = idScope != null ? idScope : target.connectionInfo().path("idScope").asText();
            String endpoint = globalEndpoint != null ? globalEndpoint : target.connectionInfo().path("globalEndpoint").asText();
            if (credential.tpm) {
                if (csr != null) {
                    throw new UsageError("--csr works with --key or --group-key; a TPM device's CSR is not supported"
                            + " by this command yet.");
                }
                return registerWithTpm(scope, endpoint);
            }
            if (registrationId == null) {
                throw new UsageError("REGISTRATION_ID is required (only a TPM device can derive it).");
            }
            String key = credential.key != null ? credential.key : derive(credential.groupKey);
            long se = Instant.now().getEpochSecond() + 3600;
            String sr = scope + "/registrations/" + registrationId;
            byte[] sig;
            try {
                sig = Hmac.sha256(Base64.getDecoder().decode(key), (sr + "\n" + se).getBytes(StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new UsageError("The key is not valid base64.");
            }
            String token = "SharedAccessSignature sr=" + sr + "&sig="
                    + URLEncoder.encode(Base64.getEncoder().encodeToString(sig), StandardCharsets.UTF_8) + "&se=" + se
                    + "&skn=registration";
            var body = Json.object().put("registrationId", registrationId);
            String apiVersion = "2021-06-01";
            if (csr != null) {
                body.put("csr", DeviceCsr.base64Der(csr));
                apiVersion = DeviceCsr.API_VERSION;
            } else if (certificateOut != null) {
                throw new UsageError("--certificate-out needs --csr.");
            }
            if (payload != null) {
                try {
                    body.set("payload", Json.MAPPER.readTree(payload));
                } catch (IOException e) {
                    throw new UsageError("--payload is not valid JSON: " + e.getMessage());
                }
            }
            HttpClient http = HttpClient.newBuilder().sslContext(target.ssl()).connectTimeout(Duration.ofSeconds(10)).build();
            String base = "https://" + endpoint + "/" + scope + "/registrations/" + URLEncoder.encode(registrationId,
                    StandardCharsets.UTF_8);
            HttpResponse<String> r = send(http, HttpRequest.newBuilder(URI.create(base + "/register?api-version=" + apiVersion))
                    .header("Authorization", token).header("Content-Type", "application/json; charset=utf-8")
                    .PUT(HttpRequest.BodyPublishers.ofString(Json.write(body))));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (r.statusCode() == 202 && System.nanoTime() < deadline) {
                JsonNode op = Json.tree(r.body());
                long wait = r.headers().firstValue("retry-after").map(Long::parseLong).orElse(2L);
                Thread.sleep(Math.max(1, Math.min(wait, 10)) * 1000);
                r = send(http, HttpRequest.newBuilder(URI.create(base + "/operations/"
                        + URLEncoder.encode(op.path("operationId").asText(), StandardCharsets.UTF_8)
                        + "?api-version=" + apiVersion)).header("Authorization", token).GET());
            }
            JsonNode result = r.body() == null || r.body().isBlank() ? Json.object() : Json.tree(r.body());
            if (r.statusCode() >= 300) {
                System.err.println("Registration refused: HTTP " + r.statusCode() + " " + result.path("errorCode").asText()
                        + " " + result.path("message").asText());
                return 6;
            }
            JsonNode state = result.path("registrationState");
            String status = result.path("status").asText();
            java.util.List<String> chain = DeviceCsr.chainPem(state);
            java.nio.file.Path chainFile = certificateOut != null ? certificateOut
                    : java.nio.file.Path.of(registrationId + ".pem");
            if (csr != null && status.equals("assigned")) {
                if (chain.isEmpty()) {
                    System.err.println("Assigned, but the answer has no issuedCertificateChain.");
                    return 1;
                }
                DeviceCsr.write(chainFile, chain);
            }
            if (output.json()) {
                output.print(System.out, result);
            } else if (status.equals("assigned")) {
                System.out.println("Assigned to " + state.path("assignedHub").asText() + " as device "
                        + state.path("deviceId").asText() + " (" + state.path("substatus").asText() + ").");
                if (csr != null) {
                    System.out.println("Issued certificate chain (" + chain.size() + " certificates, leaf first) written"
                            + " to " + chainFile + "; connect with it and the CSR's key.");
                    System.out.println("Device connection string: HostName=" + state.path("assignedHub").asText()
                            + ";DeviceId=" + state.path("deviceId").asText() + ";x509=true");
                } else {
                    System.out.println("Device connection string: HostName=" + state.path("assignedHub").asText()
                            + ";DeviceId=" + state.path("deviceId").asText() + ";SharedAccessKey=" + key);
                }
            } else {
                System.out.println("Registration " + status + ": " + state.path("errorMessage").asText(""));
            }
            return status.equals("assigned") ? 0 : 6;
        }

        private Integer registerWithTpm(String scope, String endpoint) throws Exception {
            java.nio.file.Path work = tpmWorkDir != null ? java.nio.file.Files.createDirectories(tpmWorkDir)
                    : java.nio.file.Files.createTempDirectory("muster-tpm-");
            TpmToolsDevice tpm = new TpmToolsDevice(work,
                    tcti == null ? java.util.Map.of() : java.util.Map.of("TPM2TOOLS_TCTI", tcti));
            TpmToolsDevice.Keys keys;
            try {
                keys = tpm.keys();
            } catch (TpmToolsDevice.ToolFailure e) {
                throw new UsageError("Cannot use the TPM: " + e.getMessage() + " (set TPM2TOOLS_TCTI, e.g."
                        + " swtpm:host=127.0.0.1,port=2321)");
            }
            String id = registrationId != null ? registrationId : TpmRegistration.registrationId(keys.endorsementKey());
            JsonNode payloadJson = null;
            if (payload != null) {
                try {
                    payloadJson = Json.MAPPER.readTree(payload);
                } catch (IOException e) {
                    throw new UsageError("--payload is not valid JSON: " + e.getMessage());
                }
            }
            HttpClient http = HttpClient.newBuilder().sslContext(target.ssl()).connectTimeout(Duration.ofSeconds(10)).build();
            TpmRegistration flow = new TpmRegistration(http, endpoint, tpm);
            JsonNode result = flow.register(scope, id, keys, payloadJson);
            JsonNode state = result.path("registrationState");
            String status = result.path("status").asText();
            if (output.json()) {
                printWithHubToken(output, result, status.equals("assigned")
                        ? flow.token(state.path("assignedHub").asText() + "/devices/" + state.path("deviceId").asText())
                        : null);
            } else if (status.equals("assigned")) {
                System.out.println("Assigned to " + state.path("assignedHub").asText() + " as device "
                        + state.path("deviceId").asText() + " (" + state.path("substatus").asText() + ").");
                System.out.println("The hub key is in the TPM (handle " + TpmToolsDevice.ID_KEY_HANDLE + ").");
                System.out.println("Hub SAS token (1 hour, signed by the TPM): " + flow.token(
                        state.path("assignedHub").asText() + "/devices/" + state.path("deviceId").asText()));
            } else {
                System.out.println("Registration " + status + ": " + state.path("errorMessage").asText(""));
            }
            return status.equals("assigned") ? 0 : 6;
        }

        /** JSON output with the TPM-signed hub token added for scripts. */
        private static void printWithHubToken(Output output, JsonNode result, String hubToken) {
            com.fasterxml.jackson.databind.node.ObjectNode out = result.deepCopy();
            if (hubToken != null) {
                out.put("hubSasToken", hubToken);
            }
            output.print(System.out, out);
        }

        private String derive(String groupKey) {
            try {
                return DerivedKey.of(groupKey, registrationId);
            } catch (IllegalArgumentException e) {
                throw new UsageError("The group key is not valid base64.");
            }
        }

        private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder b) throws Exception {
            try {
                return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException e) {
                throw new ApiClient.ApiError(3, "Cannot connect to the global endpoint: is Muster running?");
            }
        }
    }
}
