package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "certificate-policy", mixinStandardHelpOptions = true,
        description = {"How the instance issues certificates to devices that send a CSR when they register.",
                "Enrollments name a policy in credentialPolicyName; 'default' always exists. A change applies to",
                "certificates issued afterwards."},
        subcommands = {CertificatePolicyCommand.ListAll.class, CertificatePolicyCommand.Show.class,
                CertificatePolicyCommand.Set.class, CertificatePolicyCommand.Delete.class,
                CertificatePolicyCommand.Certificates.class},
        footer = {"", "Examples:", "  ./muster certificate-policy set fleet --validity-days 7 --key-types ec-p256",
                "  ./muster certificate-policy list", "  ./muster certificate-policy certificates fleet",
                "  ./muster certificate-policy delete fleet"})
final class CertificatePolicyCommand {
    static final List<String> KEY_TYPES = List.of("ec-p256", "ec-p384", "rsa");

    static String path(String name) {
        return "/certificatePolicies/" + ApiClient.enc(name);
    }

    /** The key types as the API spells them, from a comma/space separated list in any letter case. */
    static List<String> keyTypes(String given) {
        java.util.Set<String> out = new LinkedHashSet<>();
        for (String part : given.split("[,\\s]+")) {
            if (part.isBlank()) {
                continue;
            }
            String type = part.strip().toLowerCase(Locale.ROOT).replace('_', '-');
            if (!KEY_TYPES.contains(type)) {
                throw new UsageError("Unknown key type '" + part.strip() + "': use " + String.join(", ", KEY_TYPES)
                        + ".");
            }
            out.add(type);
        }
        if (out.isEmpty()) {
            throw new UsageError("--key-types needs at least one of " + String.join(", ", KEY_TYPES) + ".");
        }
        return List.copyOf(out);
    }

    /**
     * The policy to PUT: the current one (null when it does not exist yet, so the server's defaults apply) with the
     * options given changed; an empty {@code crlUrl} removes the CRL distribution point.
     */
    static ObjectNode merged(JsonNode current, Integer validityDays, String keyTypes, String issuingCa, String crlUrl) {
        ObjectNode body = Json.object();
        if (current != null) {
            for (String f : List.of("issuingCa", "validityDays", "keyTypes", "crlDistributionPoint")) {
                if (current.hasNonNull(f)) {
                    body.set(f, current.get(f));
                }
            }
        }
        if (validityDays != null) {
            body.put("validityDays", validityDays);
        }
        if (keyTypes != null) {
            var array = body.putArray("keyTypes");
            keyTypes(keyTypes).forEach(array::add);
        }
        if (issuingCa != null) {
            body.put("issuingCa", issuingCa);
        }
        if (crlUrl != null) {
            if (crlUrl.isBlank()) {
                body.remove("crlDistributionPoint");
            } else {
                body.put("crlDistributionPoint", crlUrl.strip());
            }
        }
        return body;
    }

    static void printOne(JsonNode p) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("name", p.path("name").asText()));
        rows.add(List.of("issuingCa", p.path("issuingCa").asText()));
        rows.add(List.of("validityDays", p.path("validityDays").asText()));
        rows.add(List.of("keyTypes", keyTypesText(p)));
        rows.add(Arrays.asList("crlDistributionPoint", Output.text(p, "crlDistributionPoint")));
        rows.add(Arrays.asList("etag", Output.text(p, "etag")));
        Output.table(System.out, List.of("FIELD", "VALUE"), rows);
    }

    private static String keyTypesText(JsonNode p) {
        List<String> types = new ArrayList<>();
        p.path("keyTypes").forEach(t -> types.add(t.asText()));
        return String.join(",", types);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the instance's certificate policies.",
            footer = {"", "Example:", "  ./muster certificate-policy list -o json"})
    static final class ListAll implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;

        @Override
        public Integer call() {
            JsonNode all = ApiClient.of(target).call("GET", "/certificatePolicies", null, Map.of()).body();
            output.show(all, () -> {
                List<List<String>> rows = new ArrayList<>();
                all.forEach(p -> rows.add(Arrays.asList(p.path("name").asText(), p.path("issuingCa").asText(),
                        p.path("validityDays").asText(), keyTypesText(p), Output.text(p, "crlDistributionPoint"))));
                Output.table(System.out, List.of("NAME", "ISSUING_CA", "DAYS", "KEY_TYPES", "CRL_URL"), rows);
            });
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a certificate policy.",
            footer = {"", "Example:", "  ./muster certificate-policy show default"})
    static final class Show implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            JsonNode p = ApiClient.of(target).call("GET", path(name), null, Map.of()).body();
            output.show(p, () -> printOne(p));
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Create a certificate policy, or change the options given of an existing one (also",
                    "'default'). The change is made only if nobody changed the policy since it was read (exit 5",
                    "otherwise); it applies to certificates issued afterwards."},
            footer = {"", "Examples:", "  ./muster certificate-policy set fleet --validity-days 7 --key-types ec-p256,rsa",
                    "  ./muster certificate-policy set default --crl-url http://pki.example/contoso.crl",
                    "  ./muster certificate-policy set fleet --crl-url ''   (removes the CRL URL)"})
    static final class Set implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--validity-days", paramLabel = "N", description = "1 to 90 (new policies: 30).")
        Integer validityDays;
        @Option(names = "--key-types", paramLabel = "TYPES",
                description = "Device keys accepted: ec-p256, ec-p384, rsa, comma-separated (new policies: all).")
        String keyTypes;
        @Option(names = "--issuing-ca", paramLabel = "NAME", description = "The issuing CA that signs (new: default).")
        String issuingCa;
        @Option(names = "--crl-url", paramLabel = "URL",
                description = "CRL distribution point written into each certificate; '' removes it.")
        String crlUrl;
        @Option(names = "--etag", description = "Only change it if its etag is still this one.") String etag;

        @Override
        public Integer call() {
            if (keyTypes != null) {
                keyTypes(keyTypes);
            }
            ApiClient api = ApiClient.of(target);
            JsonNode current = null;
            try {
                current = api.call("GET", path(name), null, Map.of()).body();
            } catch (ApiClient.ApiError e) {
                if (e.exitCode != 4) {
                    throw e;
                }
            }
            Map<String, String> headers = new LinkedHashMap<>();
            String expected = etag != null ? etag : current == null ? null : Output.text(current, "etag");
            if (expected != null) {
                headers.put("If-Match", expected);
            }
            ApiClient.Reply reply = api.call("PUT", path(name), merged(current, validityDays, keyTypes, issuingCa,
                    crlUrl), headers);
            output.show(reply.body(), () -> {
                System.out.println((reply.status() == 201 ? "Created" : "Updated") + " certificate policy " + name
                        + ".");
                printOne(reply.body());
            });
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete a certificate policy. 'default' cannot be deleted, nor a policy that enrollments",
                    "or groups name (the error counts them). Certificates issued under it stay valid."},
            footer = {"", "Example:", "  ./muster certificate-policy delete fleet"})
    static final class Delete implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--etag", description = "Only delete if the etag still matches.") String etag;

        @Override
        public Integer call() {
            ApiClient.of(target).delete(path(name), etag);
            output.done("Deleted certificate policy " + name + ".");
            return 0;
        }
    }

    @Command(name = "certificates", mixinStandardHelpOptions = true,
            description = "List the certificates issued under a policy, newest first.",
            footer = {"", "Example:", "  ./muster certificate-policy certificates fleet --top 50"})
    static final class Certificates implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--top", defaultValue = "1000", description = "Show at most this many. Default: ${DEFAULT-VALUE}")
        int top;

        @Override
        public Integer call() {
            List<JsonNode> all = ApiClient.of(target).pages("GET", path(name) + "/certificates", null, top);
            output.show(Json.MAPPER.valueToTree(all), () -> IssuedCertificates.table(all));
            return 0;
        }
    }
}
