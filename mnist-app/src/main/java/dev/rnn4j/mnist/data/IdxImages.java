package dev.rnn4j.mnist.data;

import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * The content of an IDX image file: {@code count} grey-scale images of {@code rows} by {@code cols}
 * pixels, one unsigned byte per pixel, in C order {@code [count, rows, cols]}.
 *
 * <p>The pixel array is not copied, neither here nor by the accessor, because it may be large
 * (47 MB for the MNIST training images); callers should not modify it. As for any record with an
 * array component, {@code equals} compares the array by identity.
 *
 * @param count the number of images, positive
 * @param rows the number of pixel rows of each image, positive
 * @param cols the number of pixel columns of each image, positive
 * @param pixels the {@code count * rows * cols} pixels, each an unsigned byte 0..255
 */
public record IdxImages(int count, int rows, int cols, byte[] pixels) {

    /** Largest value of a pixel. */
    public static final float MAX_PIXEL = 255f;

    /**
     * Checks that the dimensions are positive and match the pixel array.
     *
     * @param count the number of images
     * @param rows the pixel rows per image
     * @param cols the pixel columns per image
     * @param pixels the pixels, not copied
     * @throws IllegalArgumentException if they do not
     */
    public IdxImages {
        Objects.requireNonNull(pixels, "pixels");
        if (count <= 0 || rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException(
                    "dimensions must be positive, got count " + count + ", rows " + rows + ", cols " + cols);
        }
        long expected = (long) count * rows * cols;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(
                    "expected " + expected + " pixels for " + count + "x" + rows + "x" + cols
                            + ", got " + pixels.length);
        }
    }

    /**
     * Returns the number of pixels in one image.
     *
     * @return {@code rows * cols}
     */
    public int pixelsPerImage() {
        return rows * cols;
    }

    /**
     * Returns one pixel as an unsigned value.
     *
     * @param image the image index, {@code 0 <= image < count}
     * @param row the row, {@code 0 <= row < rows}
     * @param col the column, {@code 0 <= col < cols}
     * @return the pixel value 0..255
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public int pixel(int image, int row, int col) {
        Objects.checkIndex(image, count);
        Objects.checkIndex(row, rows);
        Objects.checkIndex(col, cols);
        return Byte.toUnsignedInt(pixels[(image * rows + row) * cols + col]);
    }

    /**
     * Returns all pixels scaled to 0..1 (each byte divided by 255), in the same C order
     * {@code [count, rows, cols]}; a new array on every call.
     *
     * @return the scaled pixels
     */
    public float[] scaled() {
        float[] scaled = new float[pixels.length];
        putScaled(FloatBuffer.wrap(scaled));
        return scaled;
    }

    /**
     * Writes all pixels scaled to 0..1, as {@link #scaled()} returns them, into a buffer at its position (which
     * advances), a chunk at a time: no array of all the floats is made (188 MB for the MNIST training images).
     *
     * @param target where to write, with at least {@code count * rows * cols} floats remaining
     * @throws IllegalArgumentException if it has fewer, naming both counts
     */
    public void putScaled(FloatBuffer target) {
        if (target.remaining() < pixels.length) {
            throw new IllegalArgumentException("putScaled: the target has " + target.remaining()
                    + " floats remaining; expected at least " + pixels.length + " (" + count + " images of " + rows
                    + "x" + cols + ")");
        }
        // The 256 quotients value / 255f once (the same float32 divisions as numpy's x / 255), then a lookup per
        // pixel instead of 47 million divisions (~0.3 s).
        float[] quotients = new float[256];
        for (int value = 0; value < quotients.length; value++) {
            quotients[value] = value / MAX_PIXEL;
        }
        float[] chunk = new float[Math.min(pixels.length, 1 << 16)];
        for (int from = 0; from < pixels.length; from += chunk.length) {
            int length = Math.min(chunk.length, pixels.length - from);
            for (int index = 0; index < length; index++) {
                chunk[index] = quotients[pixels[from + index] & 0xFF];
            }
            target.put(chunk, 0, length);
        }
    }


    /**
     * Describes the dimensions, without the pixels.
     *
     * @return for example {@code IdxImages[count=60000, rows=28, cols=28]}
     */
    @Override
    public String toString() {
        return "IdxImages[count=" + count + ", rows=" + rows + ", cols=" + cols + "]";
    }
}
