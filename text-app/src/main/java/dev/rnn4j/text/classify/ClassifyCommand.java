package dev.rnn4j.text.classify;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The text classifier's commands. */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Text classification (many-to-one): spam or ham, or any folder of classes.",
        subcommands = {ClassifyTrainCommand.class, ClassifyEvaluateCommand.class, ClassifyPredictCommand.class})
public final class ClassifyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: train, evaluate or predict");
    }
}
