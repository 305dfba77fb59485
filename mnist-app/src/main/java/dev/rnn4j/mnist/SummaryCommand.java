package dev.rnn4j.mnist;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.io.ModelFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prints the model summary of a saved model, or of the notebook's model for the given options. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Print the summary of a saved model (--model) or of the notebook's model.")
final class SummaryCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "FILE", description = "A model.zip written by train.")
    Path model;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Override
    public Integer call() throws Exception {
        if (model == null) {
            modelOptions.validate();
        }
        Backend backend = Backends.load();
        Sequential sequential = model != null ? ModelFile.load(model, backend)
                : NotebookModel.create(backend, 0, Shape.of(28, 28), modelOptions.cell(), modelOptions.layers,
                        modelOptions.units, modelOptions.dropout, 10, 0.01);
        System.out.print(sequential.summary());
        return 0;
    }
}
