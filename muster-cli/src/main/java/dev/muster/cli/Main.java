package dev.muster.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code muster} command. */
@Command(name = "muster", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Self-hosted IoT device provisioning service, wire-compatible with Azure IoT Hub DPS.",
        subcommands = {ServeCommand.class, EnrollmentCommands.Individual.class, EnrollmentCommands.Group.class,
                RegistrationCommand.class, DeviceCommand.class, HubCommand.class, LinkedHubCommand.class, DbCommand.class, CertificateCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
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
