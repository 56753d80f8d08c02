package dev.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command documents itself with an example, and every command that calls the API can answer in JSON. */
class CommandTreeTest {

    static List<CommandLine> all(CommandLine c) {
        List<CommandLine> out = new ArrayList<>();
        out.add(c);
        c.getSubcommands().values().forEach(s -> out.addAll(all(s)));
        return out;
    }

    @Test
    void everyCommandHasHelpWithAnExample() {
        for (CommandLine c : all(new CommandLine(new Main()))) {
            if (c.getCommandName().equals("help")) {
                continue;
            }
            assertThat(c.getCommandSpec().optionsMap()).as(c.getCommandSpec().qualifiedName()).containsKey("--help");
            assertThat(c.getUsageMessage()).as(c.getCommandSpec().qualifiedName()).containsPattern("Examples?:");
        }
    }

    @Test
    void everyApiCommandTakesOutputAndProfile() {
        for (CommandLine c : all(new CommandLine(new Main()))) {
            var options = c.getCommandSpec().optionsMap();
            if (options.containsKey("--connection-string") && !c.getCommandName().equals("bench")
                    && !c.getCommandName().equals("monitor") && !c.getCommandName().equals("save")) {
                assertThat(options).as(c.getCommandSpec().qualifiedName()).containsKeys("--output", "--profile", "--ca-file");
            }
        }
    }

    @Test
    void completionScriptCoversTheNewCommands() {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(Main.run("completion", "bash")).isZero();
        } finally {
            System.setOut(old);
        }
        String script = out.toString(StandardCharsets.UTF_8);
        assertThat(script).contains("complete -F _complete_muster").contains("regenerate-key")
                .contains("connection-string").contains("import").contains("\"table\" \"json\"").contains("complete -F _complete_muster -o default ./muster");
    }

    @Test
    void unknownRightsAndKeySlotsAreUsageErrors() {
        assertThat(PolicyCommand.rights(List.of("enrollmentread", "EnrollmentWrite"))).isEqualTo("EnrollmentRead, EnrollmentWrite");
        assertThat(Main.run("policy", "create", "x", "--rights", "Everything", "--connection-string",
                "HostName=h;SharedAccessKeyName=k;SharedAccessKey=a2V5")).isEqualTo(2);
        assertThat(Main.run("policy", "regenerate-key", "x", "--key", "tertiary", "--connection-string",
                "HostName=h;SharedAccessKeyName=k;SharedAccessKey=a2V5")).isEqualTo(2);
    }

    @Test
    void anUnreachableServerIsExitCodeThree() {
        assertThat(Main.run("policy", "list", "--connection-string",
                "HostName=127.0.0.1;SharedAccessKeyName=k;SharedAccessKey=a2V5", "--port", "1")).isEqualTo(3);
    }
}
