package dev.rnn4j.mnist.data;

import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * One part of a data set in MNIST's format, such as the training or the test set: {@code count}
 * grey-scale images of {@code rows} by {@code cols} pixels, scaled to 0..1, and one class label per
 * image.
 *
 * <p>The arrays are neither copied on construction nor by the accessors, because they are large
 * (188 MB of floats for the MNIST training images); callers should not modify them. A split read
 * from an IDX file keeps the pixel bytes and scales them when asked ({@link #imagesScaled()},
 * {@link #putImagesScaled}).
 */
public final class MnistSplit {

    private final String name;
    private final int count;
    private final int rows;
    private final int cols;
    /** The scaled pixels, or null where the split keeps the bytes of {@link #images}. */
    private final float[] imagesScaled;
    private final IdxImages images;
    private final int[] labels;

    /**
     * Creates a split from scaled pixels and labels.
     *
     * @param name a name for messages, such as {@code "train"} or {@code "test"}
     * @param count the number of images, positive
     * @param rows the pixel rows per image, positive
     * @param cols the pixel columns per image, positive
     * @param imagesScaled {@code count * rows * cols} pixels in 0..1, C order {@code [count, rows, cols]}
     * @param labels {@code count} class labels
     * @throws IllegalArgumentException if a dimension is not positive or an array has the wrong length
     */
    public MnistSplit(String name, int count, int rows, int cols, float[] imagesScaled, int[] labels) {
        this(name, count, rows, cols, Objects.requireNonNull(imagesScaled, "imagesScaled"), null, labels);
    }

    private MnistSplit(String name, int count, int rows, int cols, float[] imagesScaled, IdxImages images,
            int[] labels) {
        this.name = Objects.requireNonNull(name, "name");
        this.imagesScaled = imagesScaled;
        this.images = images;
        this.labels = Objects.requireNonNull(labels, "labels");
        if (count <= 0 || rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException(name + ": dimensions must be positive, got count " + count
                    + ", rows " + rows + ", cols " + cols);
        }
        int pixels = imagesScaled != null ? imagesScaled.length : images.pixels().length;
        if (pixels != (long) count * rows * cols) {
            throw new IllegalArgumentException(name + ": expected " + (long) count * rows * cols
                    + " pixels for " + count + "x" + rows + "x" + cols + ", got " + pixels);
        }
        if (labels.length != count) {
            throw new IllegalArgumentException(name + ": expected " + count + " labels, got " + labels.length);
        }
        this.count = count;
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * Creates a split from images as read from an IDX file and their labels, scaling each pixel
     * byte to {@code byte / 255f}.
     *
     * @param name a name for messages, such as {@code "train"}
     * @param images the images
     * @param labels one label per image
     * @return the split
     * @throws IllegalArgumentException if the number of labels differs from the number of images
     */
    public static MnistSplit of(String name, IdxImages images, int[] labels) {
        Objects.requireNonNull(images, "images");
        return new MnistSplit(name, images.count(), images.rows(), images.cols(), null, images, labels);
    }

    /**
     * Returns the name given for messages.
     *
     * @return for example {@code "train"}
     */
    public String name() {
        return name;
    }

    /**
     * Returns the number of images (and labels).
     *
     * @return the number of examples
     */
    public int count() {
        return count;
    }

    /**
     * Returns the number of pixel rows of each image.
     *
     * @return the rows, 28 for MNIST
     */
    public int rows() {
        return rows;
    }

    /**
     * Returns the number of pixel columns of each image.
     *
     * @return the columns, 28 for MNIST
     */
    public int cols() {
        return cols;
    }

    /**
     * Returns the number of pixels of each image.
     *
     * @return {@code rows * cols}
     */
    public int pixelsPerImage() {
        return rows * cols;
    }

    /**
     * Returns the pixels, each byte divided by 255, in C order {@code [count, rows, cols]}: the pixel
     * at {@code (image, row, col)} is at index {@code (image * rows + row) * cols + col}. The array is
     * shared, not copied, for a split made from floats; a split read from an IDX file makes a new one
     * on every call ({@link #putImagesScaled} writes them without one).
     *
     * @return the {@code count * rows * cols} scaled pixels
     */
    public float[] imagesScaled() {
        return imagesScaled != null ? imagesScaled : images.scaled();
    }

    /**
     * Writes the scaled pixels, in the order of {@link #imagesScaled()}, into a buffer at its position
     * (which advances).
     *
     * @param target where to write, with at least {@code count * rows * cols} floats remaining
     * @throws IllegalArgumentException if it has fewer, naming both counts
     */
    public void putImagesScaled(FloatBuffer target) {
        if (imagesScaled != null) {
            if (target.remaining() < imagesScaled.length) {
                throw new IllegalArgumentException(name + ": the target has " + target.remaining()
                        + " floats remaining; expected at least " + imagesScaled.length);
            }
            target.put(imagesScaled);
        } else {
            images.putScaled(target);
        }
    }

    /**
     * Returns the class label of each image. The array is shared, not copied.
     *
     * @return the {@code count} labels
     */
    public int[] labels() {
        return labels;
    }

    /**
     * Describes the split without its data.
     *
     * @return for example {@code MnistSplit[train: 60000 images of 28x28]}
     */
    @Override
    public String toString() {
        return "MnistSplit[" + name + ": " + count + " images of " + rows + "x" + cols + "]";
    }
}
