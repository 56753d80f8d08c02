package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code muster enrollment …} and {@code muster enrollment-group …}: the same verbs on two kinds. */
final class EnrollmentCommands {
    private EnrollmentCommands() {}

    abstract static class Base implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Output output;

        abstract EnrollmentKind kind();

        EnrollmentOps ops() {
            return new EnrollmentOps(kind(), ApiClient.of(target), System.out);
        }
    }

    abstract static class CreateBase extends Base {
        @Parameters(index = "0", paramLabel = "ID", description = "Registration ID (individual) or enrollment group ID.")
        String id;
        @Option(names = "--primary-key", description = "Base64 key (16-64 bytes); generated when omitted.")
        String primaryKey;
        @Option(names = "--secondary-key", description = "Base64 key (16-64 bytes); generated when omitted.")
        String secondaryKey;
        @Option(names = "--disabled", description = "Create it disabled (devices are refused).")
        boolean disabled;
        @Option(names = "--tags", paramLabel = "JSON", description = "Initial twin tags, a JSON object.")
        String tags;
        @Option(names = "--desired", paramLabel = "JSON", description = "Initial desired properties, a JSON object.")
        String desired;
        @Option(names = "--iot-edge", description = "Devices are IoT Edge devices.")
        boolean iotEdge;
        @Option(names = "--hub", description = "Restrict to these linked hubs (repeatable).")
        List<String> hubs;
        @Option(names = "--allocation-policy", description = "hashed, geoLatency, static or custom.")
        String allocationPolicy;
        @Option(names = "--tpm-ek", paramLabel = "BASE64", description = "TPM attestation: the device's endorsement key"
                + " (base64 TPM2B_PUBLIC, e.g. from 'tpm2_readpublic -c 0x81010001 -o ek.pub').")
        String tpmEk;
        @Option(names = "--tpm-srk", paramLabel = "BASE64", description = "TPM attestation: optional storage root key.")
        String tpmSrk;
        @Option(names = "--webhook-url", description = "Custom allocation: the function to call (implies"
                + " --allocation-policy custom). Its ?code= secret never appears in logs or error messages.")
        String webhookUrl;
        @Option(names = {"--no-reprovision"}, description = "reprovisionPolicy.updateHubAssignment=false: devices stay on"
                + " their hub when re-registering.")
        boolean noReprovision;
        @Option(names = {"--no-migrate"}, description = "reprovisionPolicy.migrateDeviceData=false: a moved device starts"
                + " from the initial twin.")
        boolean noMigrate;
        @Option(names = "--certificate", paramLabel = "FILE",
                description = "X.509: the device's own certificate (individual enrollment; its CN is the registration ID).")
        java.nio.file.Path certificate;
        @Option(names = "--secondary-certificate", paramLabel = "FILE",
                description = "X.509: a second certificate (with --certificate or --signing-certificate).")
        java.nio.file.Path secondaryCertificate;
        @Option(names = "--signing-certificate", paramLabel = "FILE",
                description = "X.509: a root or intermediate CA certificate that signs the devices' certificates.")
        java.nio.file.Path signingCertificate;
        @Option(names = "--ca-reference", paramLabel = "NAME",
                description = "X.509: name of a verified CA certificate of the instance (./muster certificate list).")
        String caReference;
        @Option(names = "--credential-policy", paramLabel = "NAME", description = {"Certificate policy its devices'"
                + " CSRs are issued from (credentialPolicyName; ./muster certificate-policy list). Default: default."})
        String credentialPolicy;

        /** The x509 attestation the options describe, or null for symmetric key. */
        com.fasterxml.jackson.databind.node.ObjectNode x509() {
            int kinds = (certificate != null ? 1 : 0) + (signingCertificate != null ? 1 : 0) + (caReference != null ? 1 : 0);
            if (kinds == 0) {
                if (secondaryCertificate != null) {
                    throw new UsageError("--secondary-certificate needs --certificate or --signing-certificate.");
                }
                return null;
            }
            if (kinds > 1) {
                throw new UsageError("Give only one of --certificate, --signing-certificate and --ca-reference.");
            }
            if (primaryKey != null || secondaryKey != null) {
                throw new UsageError("--primary-key/--secondary-key are for symmetric keys, not X.509.");
            }
            var x509 = dev.muster.core.Json.object();
            if (caReference != null) {
                x509.putObject("caReferences").put("primary", caReference);
                return x509;
            }
            var slots = x509.putObject(certificate != null ? "clientCertificates" : "signingCertificates");
            slots.putObject("primary").put("certificate", CertificateCommand.read(
                    certificate != null ? certificate : signingCertificate, "certificate"));
            if (secondaryCertificate != null) {
                slots.putObject("secondary").put("certificate", CertificateCommand.read(secondaryCertificate,
                        "certificate"));
            }
            return x509;
        }

        String deviceId() {
            return null;
        }

        @Override
        public Integer call() {
            JsonNode e = ops().create(new EnrollmentOps.CreateSpec(id, deviceId(), primaryKey, secondaryKey, disabled,
                    tags, desired, iotEdge, hubs, webhookUrl != null && allocationPolicy == null ? "custom" : allocationPolicy,
                    tpmEk, tpmSrk, webhookUrl, !noReprovision, !noMigrate, x509(), credentialPolicy));
            if (output.json()) {
                output.print(System.out, e);
            } else {
                ops().printSummary(e);
            }
            return 0;
        }
    }

    abstract static class ShowBase extends Base {
        @Parameters(index = "0", paramLabel = "ID") String id;

        @Override
        public Integer call() {
            JsonNode e = ops().show(id);
            if (output.json()) {
                output.print(System.out, e);
            } else {
                ops().printSummary(e);
            }
            return 0;
        }
    }

    abstract static class ListBase extends Base {
        @Option(names = "--top", defaultValue = "1000", description = "Show at most this many. Default: ${DEFAULT-VALUE}")
        int top;

        @Override
        public Integer call() {
            List<JsonNode> items = ops().list(top);
            if (output.json()) {
                output.print(System.out, dev.muster.core.Json.MAPPER.valueToTree(items));
            } else {
                ops().printList(items);
            }
            return 0;
        }
    }

    abstract static class DeleteBase extends Base {
        @Parameters(index = "0", paramLabel = "ID") String id;
        @Option(names = "--etag", description = "Only delete if the etag still matches.") String etag;

        @Override
        public Integer call() {
            ops().delete(id, etag);
            output.done("Deleted " + kind().noun + " " + id + ".");
            return 0;
        }
    }

    @Command(name = "enrollment", mixinStandardHelpOptions = true,
            description = "Manage individual enrollments (symmetric key or X.509).",
            subcommands = {Individual.Create.class, Individual.Show.class, Individual.ListAll.class, Individual.Delete.class,
                    EnrollmentImportCommand.class},
            footer = {"", "Examples:", "  ./muster enrollment create my-device --desired '{\"interval\":30}'",
                    "  ./muster enrollment list", "  ./muster enrollment delete my-device",
                    "  ./muster enrollment import --csv devices.csv"})
    static final class Individual {
        @Command(name = "create", mixinStandardHelpOptions = true, description = "Create or update an individual enrollment.",
                footer = {"", "Example:", "  ./muster enrollment create sensor-17 --device-id sensor17 --tags '{\"site\":\"lab\"}'"})
        static final class Create extends CreateBase {
            @Option(names = "--device-id", description = "Hub device ID (default: the registration ID).")
            String deviceId;

            @Override
            String deviceId() {
                return deviceId;
            }

            @Override
            EnrollmentKind kind() {
                return EnrollmentKind.INDIVIDUAL;
            }
        }

        @Command(name = "show", mixinStandardHelpOptions = true, description = "Show an enrollment (with its keys).",
                footer = {"", "Example:", "  ./muster enrollment show sensor-17 -o json"})
        static final class Show extends ShowBase {
            @Override
            EnrollmentKind kind() {
                return EnrollmentKind.INDIVIDUAL;
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List enrollments.",
                footer = {"", "Example:", "  ./muster enrollment list --top 50"})
        static final class ListAll extends ListBase {
            @Override
            EnrollmentKind kind() {
                return EnrollmentKind.INDIVIDUAL;
            }
        }

        @Command(name = "delete", mixinStandardHelpOptions = true,
                description = "Delete an enrollment and its registration record (the hub device stays).",
                footer = {"", "Example:", "  ./muster enrollment delete sensor-17"})
        static final class Delete extends DeleteBase {
            @Override
            EnrollmentKind kind() {
                return EnrollmentKind.INDIVIDUAL;
            }
        }
    }

    @Command(name = "enrollment-group", mixinStandardHelpOptions = true,
            description = {"Manage enrollment groups (symmetric key or X.509).",
                    "Symmetric key: devices use keys derived from the group key. X.509: devices whose certificate",
                    "chains to the group's CA."},
            subcommands = {Group.Create.class, Group.Show.class, Group.ListAll.class, Group.Delete.class},
            footer = {"", "Examples:", "  ./muster enrollment-group create line-3",
                    "  ./muster enrollment-group create fleet --ca-reference my-root",
                    "  ./muster enrollment-group create line-4 --signing-certificate my-int.cert.pem",
                    "  ./muster enrollment-group list"})
    static final class Group {
        @Command(name = "create", mixinStandardHelpOptions = true, description = "Create or update an enrollment group.",
                footer = {"", "Example:", "  ./muster enrollment-group create line-3 --desired '{\"mode\":\"eco\"}'"})
        static final class Create extends CreateBase {
            @Override
            EnrollmentKind kind() {
                return EnrollmentKind.GROUP;
            }
        }

        @Command(name = "show", mixinStandardHelpOptions = true, description = "Show an enrollment group.",
                footer = {"", "Example:", "  ./muster enrollment-group show line-3"})
        static final class Show extends ShowBase {
            @Override
            EnrollmentKind kind() {
                return EnrollmentKind.GROUP;
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List enrollment groups.",
                footer = {"", "Example:", "  ./muster enrollment-group list -o json"})
        static final class ListAll extends ListBase {
            @Override
            EnrollmentKind kind() {
                return EnrollmentKind.GROUP;
            }
        }

        @Command(name = "delete", mixinStandardHelpOptions = true,
                description = "Delete a group and its devices' registration records (hub devices stay).",
                footer = {"", "Example:", "  ./muster enrollment-group delete line-3"})
        static final class Delete extends DeleteBase {
            @Override
            EnrollmentKind kind() {
                return EnrollmentKind.GROUP;
            }
        }
    }
}
