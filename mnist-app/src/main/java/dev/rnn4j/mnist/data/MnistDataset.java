package dev.rnn4j.mnist.data;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A data set in MNIST's layout, loaded from a directory: a training and a test split, each of
 * images and labels in IDX format.
 *
 * <p>{@link #load(Path)} looks in the directory for the four standard file names
 * {@value #TRAIN_IMAGES}, {@value #TRAIN_LABELS}, {@value #TEST_IMAGES} and {@value #TEST_LABELS},
 * each raw or with the suffix {@code .gz} (the raw file is preferred when both exist; whether a file
 * is compressed is decided by its content, see {@link IdxReader}). Images of any size are accepted,
 * as long as the training and test images have the same size, so the same loader serves other data
 * sets published in MNIST's format.
 *
 * <p>Usage: {@code MnistDataset data = MnistDataset.load(dir); float[] x = data.train().imagesScaled();}
 */
public final class MnistDataset {

    /** File name of the training images. */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    /** File name of the training labels. */
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    /** File name of the test images. */
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    /** File name of the test labels. */
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    /** The four file names, uncompressed, in the order training images, training labels, test images, test labels. */
    public static final List<String> FILE_NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
    /** Suffix of the gzip-compressed variant of a file. */
    public static final String GZIP_SUFFIX = ".gz";

    private final MnistSplit train;
    private final MnistSplit test;
    private final int classes;

    private MnistDataset(MnistSplit train, MnistSplit test, int classes) {
        this.train = train;
        this.test = test;
        this.classes = classes;
    }

    /**
     * Loads the four standard files from a directory, with labels 0..9.
     *
     * @param dir the directory holding the files
     * @return the data set
     * @throws NoSuchFileException if the directory or one of the files does not exist; the message
     *     names the file and the directory
     * @throws IdxFormatException if a file is malformed, or images and labels differ in count, or
     *     training and test images differ in size
     * @throws IOException if a file cannot be read
     */
    public static MnistDataset load(Path dir) throws IOException {
        return load(dir, IdxReader.DEFAULT_CLASSES);
    }

    /**
     * Loads the four standard files from a directory, with labels {@code 0..classes-1}.
     *
     * @param dir the directory holding the files
     * @param classes the number of classes, 1..256
     * @return the data set
     * @throws NoSuchFileException if the directory or one of the files does not exist; the message
     *     names the file and the directory
     * @throws IdxFormatException if a file is malformed, a label is outside {@code 0..classes-1},
     *     images and labels differ in count, or training and test images differ in size
     * @throws IOException if a file cannot be read
     */
    public static MnistDataset load(Path dir, int classes) throws IOException {
        checkDirectory(dir);
        // Find all four before reading any, so a missing file is reported at once.
        Path trainImages = locate(dir, TRAIN_IMAGES);
        Path trainLabels = locate(dir, TRAIN_LABELS);
        Path testImages = locate(dir, TEST_IMAGES);
        Path testLabels = locate(dir, TEST_LABELS);
        MnistSplit train = loadSplit("train", trainImages, trainLabels, classes);
        MnistSplit test = loadSplit("test", testImages, testLabels, classes);
        if (train.rows() != test.rows() || train.cols() != test.cols()) {
            throw new IdxFormatException("training and test images differ in size: " + trainImages + " has "
                    + train.rows() + "x" + train.cols() + ", " + testImages + " has " + test.rows() + "x"
                    + test.cols());
        }
        return new MnistDataset(train, test, classes);
    }

    /**
     * Loads only the two test files from a directory, for commands that use a trained model
     * ({@code evaluate}, {@code predict}): the training files need not be there.
     *
     * @param dir the directory holding the files
     * @param classes the number of classes, 1..256
     * @return the data set, without a training split
     * @throws NoSuchFileException if the directory or one of the two files does not exist
     * @throws IdxFormatException if a file is malformed or a label is outside {@code 0..classes-1}
     * @throws IOException if a file cannot be read
     */
    public static MnistDataset loadTest(Path dir, int classes) throws IOException {
        checkDirectory(dir);
        Path testImages = locate(dir, TEST_IMAGES);
        Path testLabels = locate(dir, TEST_LABELS);
        return new MnistDataset(null, loadSplit("test", testImages, testLabels, classes), classes);
    }

    private static void checkDirectory(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        if (!Files.exists(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "data directory does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new NotDirectoryException(dir.toString());
        }
    }

    /**
     * Finds a file of the data set in a directory: {@code dir/name} if it is a regular file, else
     * {@code dir/name.gz}.
     *
     * @param dir the directory
     * @param name the uncompressed file name, such as {@value #TRAIN_IMAGES}
     * @return the file found
     * @throws NoSuchFileException if neither exists; the message names the file and the directory
     * @throws FileSystemException if a folder stands where the file should be
     */
    public static Path locate(Path dir, String name) throws FileSystemException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(name, "name");
        Path raw = dir.resolve(name);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        Path compressed = dir.resolve(name + GZIP_SUFFIX);
        if (Files.isRegularFile(compressed)) {
            return compressed;
        }
        for (Path candidate : List.of(raw, compressed)) {
            if (Files.isDirectory(candidate)) {
                throw new FileSystemException(candidate.toString(), null, "a folder, expected the IDX file " + name
                        + " (raw or " + GZIP_SUFFIX + ")");
            }
        }
        throw new NoSuchFileException(name, null, "not found in directory " + dir.toAbsolutePath()
                + " (looked for " + name + " and " + name + GZIP_SUFFIX + ")");
    }

    /**
     * Reads an image file and a label file of one split and checks that their counts agree.
     *
     * @param name the split's name for messages, such as {@code "train"}
     * @param imagesFile the IDX image file
     * @param labelsFile the IDX label file
     * @param classes the number of classes
     * @return the split
     * @throws IdxFormatException if a file is malformed or the counts differ
     * @throws IOException if a file cannot be read
     */
    public static MnistSplit loadSplit(String name, Path imagesFile, Path labelsFile, int classes)
            throws IOException {
        Objects.requireNonNull(name, "name");
        IdxImages images = IdxReader.readImages(imagesFile);
        int[] labels = IdxReader.readLabels(labelsFile, classes);
        if (images.count() != labels.length) {
            throw new IdxFormatException("images and labels differ in count: " + imagesFile + " has "
                    + images.count() + ", " + labelsFile + " has " + labels.length);
        }
        return MnistSplit.of(name, images, labels);
    }

    /**
     * Returns the training split.
     *
     * @return the 60,000 training examples for MNIST
     * @throws IllegalStateException for a data set of {@link #loadTest}, which has none
     */
    public MnistSplit train() {
        if (train == null) {
            throw new IllegalStateException("this data set holds the test files only (MnistDataset.loadTest)");
        }
        return train;
    }

    /** @return whether the training split was loaded (not for {@link #loadTest}) */
    public boolean hasTrain() {
        return train != null;
    }

    /**
     * Returns the test split.
     *
     * @return the 10,000 test examples for MNIST
     */
    public MnistSplit test() {
        return test;
    }

    /**
     * Returns the number of classes the labels were checked against.
     *
     * @return 10 for MNIST
     */
    public int classes() {
        return classes;
    }

    /**
     * Returns the number of pixel rows of each image, the same in both splits.
     *
     * @return 28 for MNIST
     */
    public int rows() {
        return test.rows();
    }

    /**
     * Returns the number of pixel columns of each image, the same in both splits.
     *
     * @return 28 for MNIST
     */
    public int cols() {
        return test.cols();
    }

    /**
     * Describes the data set without its data.
     *
     * @return the two splits' sizes
     */
    @Override
    public String toString() {
        return "MnistDataset[" + train + ", " + test + ", classes=" + classes + "]";
    }
}
