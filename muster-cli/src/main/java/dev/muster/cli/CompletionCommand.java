package dev.muster.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script for bash.",
                "zsh loads it too after 'autoload -U bashcompinit && bashcompinit'. It completes commands, options",
                "and fixed values such as --output table|json."},
        footer = {"", "Examples:", "  source <(./muster completion bash)",
                "  ./muster completion bash > /etc/bash_completion.d/muster"})
final class CompletionCommand implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", arity = "0..1", defaultValue = "bash", paramLabel = "SHELL", description = "bash (default).")
    String shell;

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new UsageError("Only bash (and zsh through bashcompinit) completion scripts exist.");
        }
        System.out.print(AutoComplete.bash("muster", spec.root().commandLine()));
        // The launcher is usually run as ./muster from the checkout: complete that word too.
        System.out.println("complete -F _complete_muster -o default ./muster");
        return 0;
    }
}
