package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.x509.CertificateMaker;
import dev.muster.core.x509.Certificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "certificate", mixinStandardHelpOptions = true,
        description = {"CA certificates of the instance, and certificate helpers for trying X.509.",
                "Proof of possession works as in Azure; the create-* helpers make test certificates without OpenSSL."},
        subcommands = {CertificateCommand.Upload.class, CertificateCommand.ListAll.class, CertificateCommand.Show.class,
                CertificateCommand.Delete.class, CertificateCommand.VerificationCode.class, CertificateCommand.Verify.class,
                CertificateCommand.CreateRoot.class, CertificateCommand.CreateIntermediate.class,
                CertificateCommand.CreateDevice.class},
        footer = {"", "Examples:", "  ./muster certificate create-root my-root",
                "  ./muster certificate create-intermediate my-int --ca my-root",
                "  ./muster certificate create-device sensor-1 --ca my-int",
                "  ./muster certificate upload my-root my-root.cert.pem",
                "  ./muster certificate verify my-root --ca-key my-root.key.pem",
                "  ./muster certificate list"})
final class CertificateCommand {

    static String path(String name) {
        return "/certificates/" + ApiClient.enc(name);
    }

    static void print(Output output, JsonNode c) {
        if (output.json()) {
            output.print(System.out, c);
            return;
        }
        JsonNode p = c.path("properties");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("name", c.path("name").asText()));
        rows.add(List.of("subject", p.path("subject").asText()));
        rows.add(List.of("sha1Thumbprint", p.path("thumbprint").asText()));
        rows.add(List.of("sha256Thumbprint", p.path("sha256Thumbprint").asText()));
        rows.add(List.of("notBefore", p.path("notBefore").asText()));
        rows.add(List.of("expiry", p.path("expiry").asText()));
        rows.add(List.of("isVerified", p.path("isVerified").asText()));
        if (p.has("verificationCode")) {
            rows.add(List.of("verificationCode", p.path("verificationCode").asText()));
        }
        rows.add(List.of("etag", c.path("etag").asText()));
        Output.table(System.out, List.of("FIELD", "VALUE"), rows);
    }

    static String read(Path file, String what) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UsageError("Cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }

    @Command(name = "upload", mixinStandardHelpOptions = true,
            description = "Upload a CA certificate (PEM or DER file) to the instance under NAME.",
            footer = {"", "Example:", "  ./muster certificate upload my-root my-root.cert.pem"})
    static final class Upload implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Parameters(index = "1", paramLabel = "FILE") Path file;
        @Option(names = "--verified", description = "Mark it verified without proof of possession (you vouch for it).")
        boolean verified;
        @Option(names = "--etag", description = "Only replace it if the etag still matches.") String etag;

        @Override
        public Integer call() throws IOException {
            byte[] bytes = Files.readAllBytes(file);
            String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains("-----BEGIN")
                    ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                    : java.util.Base64.getEncoder().encodeToString(bytes);
            var body = Json.object().put("certificate", text);
            if (verified) {
                body.put("isVerified", true);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            if (etag != null) {
                headers.put("If-Match", etag);
            }
            print(output, ApiClient.of(target).call("PUT", path(name), body, headers).body());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the instance's CA certificates.",
            footer = {"", "Example:", "  ./muster certificate list -o json"})
    static final class ListAll implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;

        @Override
        public Integer call() {
            JsonNode r = ApiClient.of(target).call("GET", "/certificates", null, Map.of()).body();
            if (output.json()) {
                output.print(System.out, r);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            r.path("value").forEach(c -> rows.add(List.of(c.path("name").asText(),
                    c.path("properties").path("subject").asText(), c.path("properties").path("thumbprint").asText(),
                    c.path("properties").path("expiry").asText(), c.path("properties").path("isVerified").asText())));
            Output.table(System.out, List.of("NAME", "SUBJECT", "SHA-1", "EXPIRY", "VERIFIED"), rows);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a CA certificate: subject, thumbprints, validity, verification state.",
            footer = {"", "Example:", "  ./muster certificate show my-root -o json"})
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

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a CA certificate.",
            footer = {"", "Example:", "  ./muster certificate delete my-root"})
    static final class Delete implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--etag", description = "Only delete if the etag still matches.") String etag;

        @Override
        public Integer call() {
            ApiClient.of(target).delete(path(name), etag);
            output.done("Deleted certificate " + name + ".");
            return 0;
        }
    }

    @Command(name = "verification-code", mixinStandardHelpOptions = true,
            description = {"Get a verification code for proof of possession: sign a certificate whose subject CN is",
                    "the code with the CA's key, then run 'certificate verify NAME --certificate FILE'."},
            footer = {"", "Example:", "  ./muster certificate verification-code my-root"})
    static final class VerificationCode implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            ApiClient api = ApiClient.of(target);
            String etag = api.call("GET", path(name), null, Map.of()).body().path("etag").asText();
            print(output, api.call("POST", path(name) + "/generateVerificationCode", null, Map.of("If-Match", etag))
                    .body());
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Prove possession of a CA's private key. With --ca-key, does everything: gets a verification",
                    "code, signs a verification certificate with the key, uploads it. With --certificate, uploads a",
                    "verification certificate you made for the pending code."},
            footer = {"", "Examples:", "  ./muster certificate verify my-root --ca-key my-root.key.pem",
                    "  ./muster certificate verify my-root --certificate verification.pem"})
    static final class Verify implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--ca-key", paramLabel = "KEY", description = "PEM private key of the CA certificate NAME.")
        Path caKey;
        @Option(names = "--certificate", paramLabel = "FILE", description = "A verification certificate (PEM).")
        Path certificate;

        @Override
        public Integer call() {
            if ((caKey == null) == (certificate == null)) {
                throw new UsageError("Give either --ca-key KEY (Muster does the whole proof) or --certificate FILE.");
            }
            ApiClient api = ApiClient.of(target);
            JsonNode current = api.call("GET", path(name), null, Map.of()).body();
            String proof;
            String etag = current.path("etag").asText();
            if (caKey != null) {
                X509Certificate ca;
                try {
                    ca = Certificates.parseOne(current.path("properties").path("certificate").asText(),
                            "certificate " + name);
                } catch (ProvisioningException e) {
                    throw new UsageError(e.getMessage());
                }
                PrivateKey key;
                try {
                    key = Certificates.readPrivateKey(read(caKey, "CA key"), caKey.toString());
                } catch (IllegalArgumentException e) {
                    throw new UsageError(e.getMessage());
                }
                requireMatchingKey(key, ca);
                JsonNode pending = api.call("POST", path(name) + "/generateVerificationCode", null,
                        Map.of("If-Match", etag)).body();
                etag = pending.path("etag").asText();
                String code = pending.path("properties").path("verificationCode").asText();
                proof = Certificates.pem(CertificateMaker.verification(code, ca, key));
            } else {
                proof = read(certificate, "verification certificate");
            }
            JsonNode verified = api.call("POST", path(name) + "/verify", Json.object().put("certificate", proof),
                    Map.of("If-Match", etag)).body();
            if (output.json()) {
                output.print(System.out, verified);
            } else {
                System.out.println("Certificate " + name + " (" + verified.path("properties").path("subject").asText()
                        + ") is verified.");
            }
            return 0;
        }

        /** Signs and verifies a probe: says plainly when the key is not the certificate's. */
        private void requireMatchingKey(PrivateKey key, X509Certificate ca) {
            try {
                String alg = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
                if (!ca.getPublicKey().getAlgorithm().equals(key.getAlgorithm().equals("ECDSA") ? "EC"
                        : key.getAlgorithm())) {
                    throw new UsageError("The key in " + caKey + " is a " + key.getAlgorithm() + " key, but certificate '"
                            + name + "' " + Certificates.describe(ca) + " has a " + ca.getPublicKey().getAlgorithm()
                            + " key: it is not that certificate's key.");
                }
                byte[] probe = "muster proof of possession".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                Signature s = Signature.getInstance(alg);
                s.initSign(key);
                s.update(probe);
                byte[] sig = s.sign();
                Signature v = Signature.getInstance(alg);
                v.initVerify(ca.getPublicKey());
                v.update(probe);
                if (!v.verify(sig)) {
                    throw new UsageError("The key in " + caKey + " does not belong to certificate '" + name + "' "
                            + Certificates.describe(ca) + ": their public keys differ.");
                }
            } catch (GeneralSecurityException e) {
                throw new UsageError("Cannot use the key in " + caKey + " with certificate '" + name + "': "
                        + e.getMessage());
            }
        }
    }

    // ---- helpers that make certificates -------------------------------------------------------------------

    abstract static class Create implements Callable<Integer> {
        @Option(names = "--out", defaultValue = ".", description = "Folder for the files. Default: ${DEFAULT-VALUE}")
        Path out;
        @Option(names = "--key-type", defaultValue = "ec-p256",
                description = "ec-p256 (default), ec-p384, rsa-2048, rsa-3072 or rsa-4096.")
        String keyType;
        @Option(names = "--rsa", description = "Shorthand for --key-type rsa-2048.") boolean rsa;
        @Option(names = "--days", description = "Validity in days.") Integer days;
        @Option(names = "--force", description = "Overwrite existing files.") boolean force;
        /** Accepted like every other command's, so scripts can pass it everywhere; files go to --out. */
        @Option(names = "--data-dir", hidden = true) Path dataDir;

        KeyPair keys() {
            try {
                return CertificateMaker.keyPair(rsa ? CertificateMaker.KeyType.RSA_2048
                        : CertificateMaker.KeyType.parse(keyType));
            } catch (IllegalArgumentException e) {
                throw new UsageError("--key-type: " + e.getMessage() + ".");
            }
        }

        Duration validity(int defaultDays) {
            return Duration.ofDays(days == null ? defaultDays : days);
        }

        /** The issuing CA: PREFIX.cert.pem / PREFIX.key.pem (and PREFIX.chain.pem when it is an intermediate). */
        record Ca(X509Certificate cert, PrivateKey key, List<X509Certificate> chainAbove) {}

        Ca ca(String prefix) {
            Path base = Path.of(prefix).isAbsolute() || prefix.contains("/") ? Path.of(prefix) : out.resolve(prefix);
            Path cert = Path.of(base + ".cert.pem");
            Path key = Path.of(base + ".key.pem");
            Path chain = Path.of(base + ".chain.pem");
            if (!Files.exists(cert) || !Files.exists(key)) {
                throw new UsageError("--ca " + prefix + ": expected " + cert + " and " + key
                        + " (made by 'certificate create-root' or 'create-intermediate').");
            }
            try {
                X509Certificate c = Certificates.parseOne(read(cert, "CA certificate"), cert.toString());
                PrivateKey k = Certificates.readPrivateKey(read(key, "CA key"), key.toString());
                List<X509Certificate> above = new ArrayList<>();
                if (Files.exists(chain)) {
                    List<X509Certificate> all = Certificates.parseAll(read(chain, "CA chain"), chain.toString());
                    all.stream().filter(x -> !x.equals(c)).forEach(above::add);
                }
                return new Ca(c, k, above);
            } catch (ProvisioningException | IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
        }

        void write(String prefix, PrivateKey key, X509Certificate cert, List<X509Certificate> chain) {
            try {
                Files.createDirectories(out);
                Path keyFile = out.resolve(prefix + ".key.pem");
                Path certFile = out.resolve(prefix + ".cert.pem");
                Path chainFile = out.resolve(prefix + ".chain.pem");
                for (Path p : List.of(keyFile, certFile, chainFile)) {
                    if (Files.exists(p) && !force) {
                        throw new UsageError(p + " exists; use --force to overwrite it or choose another name/--out.");
                    }
                }
                Files.deleteIfExists(keyFile);
                Files.createFile(keyFile);
                try {
                    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system
                }
                Files.writeString(keyFile, Certificates.pem(key), StandardOpenOption.TRUNCATE_EXISTING);
                Files.writeString(certFile, Certificates.pem(cert));
                List<X509Certificate> full = new ArrayList<>();
                full.add(cert);
                full.addAll(chain);
                Files.writeString(chainFile, Certificates.pem(full));
                System.out.println("Wrote " + keyFile + " (private key, keep it secret)");
                System.out.println("Wrote " + certFile + " (certificate)");
                System.out.println("Wrote " + chainFile + " (certificate followed by its issuers up to the root's"
                        + " child: what a device sends in TLS)");
                System.out.println("Subject: " + Certificates.subject(cert));
                System.out.println("SHA-1:   " + Certificates.sha1(cert));
                System.out.println("SHA-256: " + Certificates.sha256(cert));
                System.out.println("Expires: " + cert.getNotAfter().toInstant());
            } catch (IOException e) {
                throw new UsageError("Cannot write to " + out + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "create-root", mixinStandardHelpOptions = true,
            description = "Make a self-signed root CA: NAME.key.pem, NAME.cert.pem, NAME.chain.pem.",
            footer = {"", "Example:", "  ./muster certificate create-root my-root --out certs"})
    static final class CreateRoot extends Create {
        @Parameters(index = "0", paramLabel = "NAME", description = "File prefix and subject CN.") String name;

        @Override
        public Integer call() {
            KeyPair kp = keys();
            X509Certificate c = CertificateMaker.root(name, kp, validity(3650));
            write(name, kp.getPrivate(), c, List.of());
            return 0;
        }
    }

    @Command(name = "create-intermediate", mixinStandardHelpOptions = true,
            description = "Make an intermediate CA signed by --ca: NAME.key.pem, NAME.cert.pem, NAME.chain.pem.",
            footer = {"", "Example:", "  ./muster certificate create-intermediate my-int --ca my-root --out certs"})
    static final class CreateIntermediate extends Create {
        @Parameters(index = "0", paramLabel = "NAME", description = "File prefix and subject CN.") String name;
        @Option(names = "--ca", required = true, paramLabel = "PREFIX",
                description = "Issuing CA's file prefix (PREFIX.cert.pem and PREFIX.key.pem, in --out unless a path).")
        String caPrefix;

        @Override
        public Integer call() {
            Ca ca = ca(caPrefix);
            KeyPair kp = keys();
            X509Certificate c = CertificateMaker.intermediate(name, kp, ca.cert(), ca.key(), validity(1825));
            List<X509Certificate> chain = new ArrayList<>();
            if (!Certificates.isSelfSigned(ca.cert())) {
                chain.add(ca.cert());
                chain.addAll(ca.chainAbove().stream().filter(x -> !Certificates.isSelfSigned(x)).toList());
            }
            write(name, kp.getPrivate(), c, chain);
            return 0;
        }
    }

    @Command(name = "create-device", mixinStandardHelpOptions = true,
            description = {"Make a device (TLS client) certificate whose CN is the registration ID, signed by --ca,",
                    "or self-signed (for an individual enrollment) without --ca."},
            footer = {"", "Examples:", "  ./muster certificate create-device sensor-1 --ca my-int --out certs",
                    "  ./muster certificate create-device sensor-2 --out certs     # self-signed"})
    static final class CreateDevice extends Create {
        @Parameters(index = "0", paramLabel = "REGISTRATION_ID", description = "Subject CN and file prefix.")
        String registrationId;
        @Option(names = "--ca", paramLabel = "PREFIX", description = "Issuing CA's file prefix; self-signed without it.")
        String caPrefix;

        @Override
        public Integer call() {
            KeyPair kp = keys();
            if (caPrefix == null) {
                write(registrationId, kp.getPrivate(),
                        CertificateMaker.device(registrationId, kp, null, null, validity(365)), List.of());
                return 0;
            }
            Ca ca = ca(caPrefix);
            X509Certificate c = CertificateMaker.device(registrationId, kp, ca.cert(), ca.key(), validity(365));
            List<X509Certificate> chain = new ArrayList<>();
            if (!Certificates.isSelfSigned(ca.cert())) {
                chain.add(ca.cert());
                chain.addAll(ca.chainAbove().stream().filter(x -> !Certificates.isSelfSigned(x)).toList());
            }
            write(registrationId, kp.getPrivate(), c, chain);
            return 0;
        }
    }
}
