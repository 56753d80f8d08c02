package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "issuing-ca", mixinStandardHelpOptions = true,
        description = {"The CAs the instance issues device certificates with (certificate policies name one).",
                "'default' is generated per instance; add your own root or intermediate with its key, or a CA whose",
                "key stays in a PKCS#11 token (the server's --pkcs11-library)."},
        subcommands = {IssuingCaCommand.ListAll.class, IssuingCaCommand.Show.class, IssuingCaCommand.Upload.class,
                IssuingCaCommand.CreatePkcs11.class, IssuingCaCommand.Delete.class},
        footer = {"", "Examples:", "  ./muster issuing-ca upload fleet-ca --certificate fleet-ca-chain.pem --key fleet-ca.key.pem",
                "  ./muster issuing-ca create-pkcs11 hsm-ca --token muster --key-label ca-key --pin-file pin.txt",
                "  ./muster issuing-ca list"})
final class IssuingCaCommand {

    static String path(String name) {
        return "/issuingCas/" + ApiClient.enc(name);
    }

    static void print(Output output, JsonNode ca) {
        if (output.json()) {
            output.print(System.out, ca);
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (String field : List.of("name", "kind", "subject", "rootSubject", "notAfter", "sha256Thumbprint", "keyUri")) {
            if (ca.has(field)) {
                rows.add(List.of(field, ca.path(field).asText()));
            }
        }
        Output.table(System.out, List.of("FIELD", "VALUE"), rows);
        System.out.print(ca.path("certificates").asText());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the instance's issuing CAs.",
            footer = {"", "Example:", "  ./muster issuing-ca list -o json"})
    static final class ListAll implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;

        @Override
        public Integer call() {
            JsonNode r = ApiClient.of(target).call("GET", "/issuingCas", null, Map.of()).body();
            if (output.json()) {
                output.print(System.out, r);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            r.forEach(c -> rows.add(List.of(c.path("name").asText(), c.path("kind").asText(),
                    c.path("subject").asText(), c.path("notAfter").asText(), c.path("sha256Thumbprint").asText())));
            Output.table(System.out, List.of("NAME", "KIND", "SUBJECT", "NOT AFTER", "SHA-256"), rows);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show an issuing CA: kind, subject, validity, thumbprint and its chain as PEM.",
            footer = {"", "Example:", "  ./muster issuing-ca show default"})
    static final class Show implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            print(output, ApiClient.of(target).call("GET", path(name), null, Map.of()).body());
            return 0;
        }
    }

    @Command(name = "upload", mixinStandardHelpOptions = true,
            description = {"Upload a root or intermediate CA with its private key. The certificate file holds the CA",
                    "certificate, then its issuers up to the root (none for a root); the key is PKCS#8 or EC/RSA PEM."},
            footer = {"", "Example:", "  ./muster issuing-ca upload fleet-ca --certificate fleet-ca-chain.pem --key fleet-ca.key.pem"})
    static final class Upload implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--certificate", paramLabel = "FILE", required = true,
                description = "PEM: the CA certificate, then its issuers up to the root.") Path certificate;
        @Option(names = "--key", paramLabel = "FILE", required = true, description = "The CA's private key (PEM).")
        Path key;

        @Override
        public Integer call() {
            ObjectNode body = Json.object().put("kind", "uploaded")
                    .put("certificates", CertificateCommand.read(certificate, "certificate file"))
                    .put("privateKey", CertificateCommand.read(key, "key file"));
            print(output, ApiClient.of(target).call("PUT", path(name), body, Map.of()).body());
            return 0;
        }
    }

    @Command(name = "create-pkcs11", mixinStandardHelpOptions = true,
            description = {"Add a CA whose key stays in a PKCS#11 token of the server's --pkcs11-library. With",
                    "--certificate, the token's key labelled --key-label (stored with its certificate) signs for that",
                    "chain; without it, the server generates a P-256 key pair and a self-signed root in the token."},
            footer = {"", "Examples:", "  ./muster issuing-ca create-pkcs11 hsm-ca --token muster --key-label ca-key --pin-file pin.txt",
                    "  ./muster issuing-ca create-pkcs11 hsm-ca --token muster --key-label ca-key --pin-file pin.txt --certificate chain.pem"})
    static final class CreatePkcs11 implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--token", paramLabel = "LABEL", description = "The token's label.") String token;
        @Option(names = "--slot", paramLabel = "ID", description = "The token's slot ID, instead of --token.") Long slot;
        @Option(names = "--key-label", paramLabel = "LABEL", required = true, description = "The key's label.")
        String keyLabel;
        @Option(names = "--pin-file", paramLabel = "FILE", required = true,
                description = "A file holding the token's user PIN (kept out of the shell history).") Path pinFile;
        @Option(names = "--certificate", paramLabel = "FILE",
                description = "PEM: the CA certificate of the token's key, then its issuers up to the root.")
        Path certificate;

        @Override
        public Integer call() {
            if ((token == null) == (slot == null)) {
                throw new UsageError("Give either --token LABEL or --slot ID.");
            }
            ObjectNode body = Json.object().put("kind", "pkcs11").put("keyLabel", keyLabel)
                    .put("pin", CertificateCommand.read(pinFile, "PIN file").strip());
            if (token != null) {
                body.put("token", token);
            } else {
                body.put("slotId", slot);
            }
            if (certificate != null) {
                body.put("certificates", CertificateCommand.read(certificate, "certificate file"));
            }
            print(output, ApiClient.of(target).call("PUT", path(name), body, Map.of()).body());
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete an issuing CA no certificate policy names ('default' stays).",
            footer = {"", "Example:", "  ./muster issuing-ca delete fleet-ca"})
    static final class Delete implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            ApiClient.of(target).delete(path(name), null);
            output.done("Deleted issuing CA " + name + ".");
            return 0;
        }
    }
}
