package dev.rnn4j.text.lm;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The character language model's commands. */
@Command(name = "lm", mixinStandardHelpOptions = true,
        description = "Character-level language model and text generation (many-to-many).",
        subcommands = {LmTrainCommand.class, LmEvaluateCommand.class, GenerateCommand.class, LmBenchCommand.class})
public final class LmCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: train, evaluate, generate"
                + " or bench");
    }
}
