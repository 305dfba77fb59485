package dev.rnn4j.mnist;

import dev.rnn4j.api.Backend;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.io.ModelFile;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Evaluates a saved model on the test set. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Evaluate a saved model on the test set.")
final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    CommonOptions data = new CommonOptions();

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model.zip written by train.")
    Path model;

    @Option(names = "--batch-size", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public Integer call() throws Exception {
        Backend backend = Backends.load();
        Sequential loaded = ModelFile.load(model, backend);
        int outputs = loaded.outputShape().last();
        if (data.classes != null && data.classes != outputs) {
            throw new IllegalArgumentException("--classes: " + model + " has " + outputs + " outputs, found --classes "
                    + data.classes);
        }
        MnistData mnist = MnistData.loadTest(data.dataDir, data.mirrors, System.out, outputs,
                "the model's " + outputs + " outputs");
        if (!loaded.inputShape().equals(dev.rnn4j.api.Shape.ofBatch(mnist.xTest.shape()))) {
            throw new IllegalArgumentException(model + ": the model expects inputs " + loaded.inputShape()
                    + " but the test images are " + dev.rnn4j.api.Shape.ofBatch(mnist.xTest.shape()));
        }
        Map<String, Double> scores = loaded.evaluate(mnist.xTest, mnist.yTest, batchSize, 0);
        System.out.printf(Locale.ROOT, "Test loss: %.4f%nTest accuracy: %.1f%% (%d images)%n", scores.get("loss"),
                100.0 * scores.get("accuracy"), mnist.xTest.size(0));
        return 0;
    }
}
