package dev.rnn4j.mnist;

import dev.rnn4j.core.Categorical;
import dev.rnn4j.mnist.data.MnistDataset;
import dev.rnn4j.mnist.data.MnistFetcher;
import dev.rnn4j.mnist.data.MnistSplit;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Loads MNIST (or any data set in its IDX format) as the notebook's arrays. */
final class MnistData {
    final MnistDataset dataset;
    final INDArray xTrain;
    final INDArray yTrain;
    final INDArray xTest;
    final INDArray yTest;

    private MnistData(MnistDataset dataset, int classes) {
        this.dataset = dataset;
        this.xTrain = images(dataset.train());
        this.xTest = images(dataset.test());
        this.yTrain = Categorical.toCategorical(dataset.train().labels(), classes);
        this.yTest = Categorical.toCategorical(dataset.test().labels(), classes);
    }

    /**
     * @param dataDir an explicit folder, or null for MNIST_DIR, the cache, or a fetch
     * @param mirrors HTTP mirrors for the fallback
     * @param log     where to say what is fetched
     * @param classes the number of classes
     * @return the arrays
     * @throws IOException when the data cannot be had or read
     */
    static MnistData load(Path dataDir, List<URI> mirrors, PrintStream log, int classes) throws IOException {
        Path folder = MnistFetcher.builder().dataDir(dataDir).mirrors(mirrors).log(log).build().resolve();
        return new MnistData(MnistDataset.load(folder, classes), classes);
    }

    private static INDArray images(MnistSplit split) {
        return Nd4j.create(split.imagesScaled(), new long[] {split.count(), split.rows(), split.cols()}, 'c');
    }
}
