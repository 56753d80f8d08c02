package dev.muster.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code muster} command. */
@Command(name = "muster", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Self-hosted IoT device provisioning service, wire-compatible with Azure IoT Hub DPS.",
        subcommands = {ServeCommand.class, InstanceCommand.class, EnrollmentCommands.Individual.class,
                EnrollmentCommands.Group.class, RegistrationCommand.class, DeviceCommand.class, LinkedHubCommand.class,
                CertificateCommand.class, IssuingCaCommand.class, CertificatePolicyCommand.class, PolicyCommand.class,
                ConnectionStringCommand.class, UsageCommand.class,
                ProfileCommand.class, HubCommand.class, DbCommand.class, BenchCommand.class, CompletionCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  ./muster serve", "  ./muster enrollment create sensor-17",
                "  ./muster instance create fleet-b --save-profile", "  ./muster usage --profile fleet-b --since 24h",
                "  source <(./muster completion bash)",
                "", "Exit codes: 0 ok, 1 error, 2 usage, 3 server unreachable, 4 not found, 5 etag mismatch,"
                        + " 6 device not assigned."})
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setUsageHelpWidth(120);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (e instanceof ApiClient.ApiError api) {
                return api.exitCode;
            }
            return e instanceof UsageError ? 2 : 1;
        });
        return cli.execute(args);
    }
}
