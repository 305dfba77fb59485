package dev.rnn4j.mnist;

import dev.rnn4j.core.Categorical;
import dev.rnn4j.mnist.data.IdxReader;
import dev.rnn4j.mnist.data.MnistDataset;
import dev.rnn4j.mnist.data.MnistFetcher;
import dev.rnn4j.mnist.data.MnistSplit;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Loads MNIST (or any data set in its IDX format) as the notebook's arrays. */
final class MnistData {
    final MnistDataset dataset;
    final INDArray xTrain;
    final INDArray yTrain;
    final INDArray xTest;
    final INDArray yTest;
    /** The number of classes: the columns of the one-hot targets. */
    final int classes;

    private MnistData(MnistDataset dataset, int classes) {
        this.dataset = dataset;
        this.classes = classes;
        this.xTrain = dataset.hasTrain() ? images(dataset.train()) : null;
        this.xTest = images(dataset.test());
        this.yTrain = dataset.hasTrain() ? Categorical.toCategorical(dataset.train().labels(), classes) : null;
        this.yTest = Categorical.toCategorical(dataset.test().labels(), classes);
    }

    /**
     * @param dataDir an explicit folder, or null for MNIST_DIR, the cache, or a fetch
     * @param mirrors HTTP mirrors for the fallback
     * @param log     where to say what is fetched
     * @param classes the number of classes, or null for the largest label + 1 (Keras's {@code to_categorical}), at
     *                least 2
     * @param source  where {@code classes} comes from, for the error when a label does not fit (as
     *                {@code "--classes 10"} or {@code "the model's 10 outputs"})
     * @return the arrays
     * @throws IOException when the data cannot be had or read
     * @throws IllegalArgumentException when a label is not below {@code classes}
     */
    static MnistData load(Path dataDir, List<URI> mirrors, PrintStream log, Integer classes, String source)
            throws IOException {
        Path folder = MnistFetcher.builder().dataDir(dataDir).mirrors(mirrors).log(log).build().resolve();
        MnistDataset dataset = MnistDataset.load(folder, IdxReader.MAX_CLASSES);
        if (classes == null) {
            int largest = Math.max(largest(dataset.train().labels()), largest(dataset.test().labels()));
            return new MnistData(dataset, Math.max(2, largest + 1));
        }
        checkLabels(folder, "training", dataset.train().labels(), classes, source);
        checkLabels(folder, "test", dataset.test().labels(), classes, source);
        return new MnistData(dataset, classes);
    }

    /**
     * The test files only, for a trained model's commands: {@link #xTrain} and {@link #yTrain} are null.
     *
     * @param dataDir an explicit folder, or null for MNIST_DIR, the cache, or a fetch
     * @param mirrors HTTP mirrors for the fallback
     * @param log     where to say what is fetched
     * @param classes the number of classes
     * @param source  where {@code classes} comes from, for the error when a label does not fit
     * @return the arrays of the test split
     * @throws IOException when the data cannot be had or read
     */
    static MnistData loadTest(Path dataDir, List<URI> mirrors, PrintStream log, int classes, String source)
            throws IOException {
        Path folder = MnistFetcher.builder().dataDir(dataDir).mirrors(mirrors).log(log).build().resolve();
        MnistDataset dataset = MnistDataset.loadTest(folder, IdxReader.MAX_CLASSES);
        checkLabels(folder, "test", dataset.test().labels(), classes, source);
        return new MnistData(dataset, classes);
    }

    /** {@link #load(Path, List, PrintStream, Integer, String)} with the class count of a command's --classes. */
    static MnistData load(Path dataDir, List<URI> mirrors, PrintStream log, Integer classes) throws IOException {
        return load(dataDir, mirrors, log, classes, "--classes " + classes);
    }

    private static int largest(int[] labels) {
        int largest = 0;
        for (int label : labels) {
            largest = Math.max(largest, label);
        }
        return largest;
    }

    private static void checkLabels(Path folder, String split, int[] labels, int classes, String source) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= classes) {
                throw new IllegalArgumentException(folder + ": " + split + " label " + i + " is " + labels[i]
                        + "; expected labels in 0.." + (classes - 1) + " (" + source + ")");
            }
        }
    }

    private static INDArray images(MnistSplit split) {
        // Scaled straight into the array's memory: Nd4j.create(float[], shape, order) from a float[] of all the
        // pixels took ~0.6 s more for MNIST's 47 million, and the float[] held 188 MB more.
        INDArray images = Nd4j.createUninitialized(DataType.FLOAT, split.count(), split.rows(), split.cols());
        split.putImagesScaled(images.data().asNioFloat());
        return images;
    }
}
