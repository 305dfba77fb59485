package dev.rnn4j.spark;

import dev.rnn4j.api.Shape;
import dev.rnn4j.backend.cpu.Nd4jCpuBackend;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.History;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.SimpleRNN;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.optimizers.SGD;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures epochs of the notebook's model (SimpleRNN(256) over 28 x 28, Dense(10), softmax, SGD) on random data:
 * single-machine {@code fit}, or {@link SparkTrainer} on a master (docs/distributed.md gives the command). Not a test.
 */
public final class EpochMeasure {
    private EpochMeasure() {
    }

    /**
     * @param args {@code single} or a master URL; workers; samples; epochs; global batch size
     */
    public static void main(String[] args) {
        String mode = args[0];
        int workers = Integer.parseInt(args[1]);
        int samples = Integer.parseInt(args[2]);
        int epochs = Integer.parseInt(args[3]);
        int batch = Integer.parseInt(args[4]);
        Random random = new Random(3);
        float[] pixels = new float[samples * 28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        float[] labels = new float[samples * 10];
        for (int i = 0; i < samples; i++) {
            labels[i * 10 + random.nextInt(10)] = 1.0f;
        }
        INDArray x = Nd4j.create(pixels, new long[] {samples, 28, 28}, 'c');
        INDArray y = Nd4j.create(labels, new long[] {samples, 10}, 'c');
        Sequential model = new Sequential(new Nd4jCpuBackend()).seed(42);
        model.add(SimpleRNN.builder(256).build());
        model.add(new Dense(10));
        model.add(new Activation("softmax"));
        model.build(Shape.of(28, 28));
        model.compile(new CategoricalCrossentropy(), new SGD(0.01));
        long start = System.nanoTime();
        if (mode.equals("single")) {
            History history = model.fit(x, y, new FitOptions().epochs(epochs).batchSize(batch).verbose(0));
            System.out.printf(Locale.ROOT, "single machine: %d epochs in %.1f s, last loss %.4f%n", epochs,
                    (System.nanoTime() - start) / 1e9, history.get("loss").get(epochs - 1));
            return;
        }
        JavaSparkContext spark = SparkTrainer.startContext(mode, "epoch-measure");
        try {
            start = System.nanoTime();
            SparkTrainer.Result result = new SparkTrainer(spark, workers).printTo(System.out)
                    .fit(model, x, y, epochs, batch);
            System.out.printf(Locale.ROOT, "%s, %d workers: %d epochs in %.1f s, last loss %.4f%n", mode, workers,
                    epochs, (System.nanoTime() - start) / 1e9, result.history().get("loss").get(epochs - 1));
        } finally {
            spark.stop();
        }
    }
}
