package dev.rnn4j.mnist.data;

import dev.rnn4j.datasets.Gzip;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads files in the IDX format of MNIST (and of data sets that copy it, such as Fashion-MNIST),
 * raw or gzip-compressed.
 *
 * <p>The format is big-endian: a 4-byte magic number, one 4-byte size per dimension, then the data
 * as unsigned bytes in C order. This reader handles the two kinds MNIST uses:
 * <ul>
 *   <li>images: magic {@code 0x00000803}, then count, rows, cols, then {@code count*rows*cols}
 *       bytes;</li>
 *   <li>labels: magic {@code 0x00000801}, then count, then {@code count} bytes, each a class
 *       {@code 0..classes-1}.</li>
 * </ul>
 *
 * <p>Gzip is recognised by its magic bytes {@code 1f 8b}, not by the file name. The reader checks
 * the magic number, that every dimension is positive, that the data fits in a Java array (at most
 * {@link #MAX_DATA_BYTES} bytes, checked before anything is allocated), that the file holds exactly
 * the bytes the header declares (a truncated file and trailing bytes are both errors) and, for
 * labels, that every label is a valid class. Every such problem is an {@link IdxFormatException}
 * whose message names the file, what was expected and what was found.
 *
 * <p>Files are read with large buffered bulk reads, so the 60,000 MNIST training images (47 MB)
 * load in a fraction of a second.
 */
public final class IdxReader {

    /** Magic number of an IDX file of unsigned bytes with three dimensions: images. */
    public static final int IMAGES_MAGIC = 0x00000803;

    /** Magic number of an IDX file of unsigned bytes with one dimension: labels. */
    public static final int LABELS_MAGIC = 0x00000801;

    /** Number of classes of MNIST: the digits 0..9. */
    public static final int DEFAULT_CLASSES = 10;

    /** Largest amount of data (after the header) this reader accepts: the largest safe Java array. */
    public static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 8L;

    /** Most classes labels stored as unsigned bytes can name. */
    public static final int MAX_CLASSES = 256;

    /** First buffer size when the data size is not known from the file size (gzip). */
    private static final int INITIAL_GZIP_BUFFER = 1 << 20;

    private static final List<String> IMAGE_DIMENSIONS = List.of("images", "rows", "columns");
    private static final List<String> LABEL_DIMENSIONS = List.of("labels");

    private IdxReader() {
    }

    /**
     * Reads an IDX image file (magic {@code 0x00000803}), raw or gzip-compressed.
     *
     * @param file the file
     * @return the images
     * @throws IdxFormatException if the file is not a well-formed IDX image file
     * @throws IOException if the file cannot be read
     */
    public static IdxImages readImages(Path file) throws IOException {
        Content content = read(file, IMAGES_MAGIC, "IDX images", IMAGE_DIMENSIONS);
        int[] dimensions = content.dimensions();
        return new IdxImages(dimensions[0], dimensions[1], dimensions[2], content.data());
    }

    /**
     * Reads an IDX label file (magic {@code 0x00000801}), raw or gzip-compressed, with labels
     * {@code 0..9}.
     *
     * @param file the file
     * @return the labels, one per example
     * @throws IdxFormatException if the file is not a well-formed IDX label file or a label is
     *     outside {@code 0..9}
     * @throws IOException if the file cannot be read
     */
    public static int[] readLabels(Path file) throws IOException {
        return readLabels(file, DEFAULT_CLASSES);
    }

    /**
     * Reads an IDX label file (magic {@code 0x00000801}), raw or gzip-compressed, with labels
     * {@code 0..classes-1}.
     *
     * @param file the file
     * @param classes the number of classes, 1..256
     * @return the labels, one per example
     * @throws IdxFormatException if the file is not a well-formed IDX label file or a label is
     *     outside {@code 0..classes-1}
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if {@code classes} is not in 1..256
     */
    public static int[] readLabels(Path file, int classes) throws IOException {
        if (classes < 1 || classes > MAX_CLASSES) {
            throw new IllegalArgumentException("classes must be in 1.." + MAX_CLASSES + ", got " + classes);
        }
        Content content = read(file, LABELS_MAGIC, "IDX labels", LABEL_DIMENSIONS);
        byte[] data = content.data();
        int[] labels = new int[data.length];
        for (int index = 0; index < data.length; index++) {
            int label = data[index] & 0xFF;
            if (label >= classes) {
                throw new IdxFormatException(file, "expected labels in 0.." + (classes - 1)
                        + ", found " + label + " at index " + index);
            }
            labels[index] = label;
        }
        return labels;
    }

    /** The sizes from the header and the data that follows it. */
    private record Content(int[] dimensions, byte[] data) {
    }

    private static Content read(Path file, int expectedMagic, String kind, List<String> dimensionNames)
            throws IOException {
        Objects.requireNonNull(file, "file");
        try (InputStream fileStream = Files.newInputStream(file)) {
            BufferedInputStream buffered = new BufferedInputStream(fileStream, Gzip.BUFFER_SIZE);
            if (!Gzip.startsWithGzipMagic(buffered)) {
                return readIdx(file, buffered, false, expectedMagic, kind, dimensionNames);
            }
            try {
                InputStream decompressed = new GZIPInputStream(buffered, Gzip.BUFFER_SIZE);
                return readIdx(file, decompressed, true, expectedMagic, kind, dimensionNames);
            } catch (ZipException | EOFException exception) {
                throw new IdxFormatException(file, "corrupt gzip data (" + exception.getMessage() + ")", exception);
            }
        }
    }

    private static Content readIdx(Path file, InputStream in, boolean compressed, int expectedMagic,
            String kind, List<String> dimensionNames) throws IOException {
        String subject = compressed ? "decompressed data" : "file";
        int headerBytes = Integer.BYTES * (1 + dimensionNames.size());
        byte[] header = in.readNBytes(headerBytes);
        if (header.length < Integer.BYTES) {
            throw new IdxFormatException(file, subject + " ends after " + header.length
                    + " bytes, expected a " + headerBytes + "-byte header starting with magic "
                    + hex(expectedMagic) + " (" + kind + ")");
        }
        ByteBuffer headerBuffer = ByteBuffer.wrap(header);
        int magic = headerBuffer.getInt();
        if (magic != expectedMagic) {
            throw new IdxFormatException(file, "expected magic " + hex(expectedMagic) + " (" + kind
                    + "), found " + hex(magic) + describeMagic(magic));
        }
        if (header.length < headerBytes) {
            throw new IdxFormatException(file, subject + " ends after " + header.length + " of the "
                    + headerBytes + " header bytes");
        }
        int[] dimensions = new int[dimensionNames.size()];
        for (int index = 0; index < dimensions.length; index++) {
            dimensions[index] = headerBuffer.getInt();
            if (dimensions[index] <= 0) {
                throw new IdxFormatException(file, "expected a positive number of "
                        + dimensionNames.get(index) + ", found " + dimensions[index]);
            }
        }
        // Three sizes of up to 2^31 - 1 can overflow a long ((2^31)^3 = 2^93), and an overflowed product could even
        // match the file's length; so stop as soon as the product passes the maximum, before it can overflow.
        long dataBytes = 1;
        for (int dimension : dimensions) {
            dataBytes *= dimension; // dataBytes <= MAX_DATA_BYTES < 2^31 before: the product is < 2^62
            if (dataBytes > MAX_DATA_BYTES) {
                BigInteger declared = BigInteger.ONE;
                for (int each : dimensions) {
                    declared = declared.multiply(BigInteger.valueOf(each));
                }
                throw new IdxFormatException(file, "header declares " + describe(dimensions, dimensionNames)
                        + " = " + declared + " bytes of data, more than the supported maximum of "
                        + MAX_DATA_BYTES + " bytes");
            }
        }
        long expectedLength = headerBytes + dataBytes;
        byte[] data = compressed
                ? readCompressedData(file, in, (int) dataBytes, headerBytes, expectedLength)
                : readRawData(file, in, (int) dataBytes, headerBytes, expectedLength);
        return new Content(dimensions, data);
    }

    /** Reads the data of a raw file, whose length is checked before the array is allocated. */
    private static byte[] readRawData(Path file, InputStream in, int dataBytes, int headerBytes,
            long expectedLength) throws IOException {
        long actualLength = Files.size(file);
        if (actualLength < expectedLength) {
            throw truncated(file, "file", actualLength, expectedLength, "");
        }
        if (actualLength > expectedLength) {
            throw trailing(file, "file", actualLength - expectedLength, expectedLength);
        }
        byte[] data = new byte[dataBytes];
        int read = in.readNBytes(data, 0, dataBytes);
        if (read < dataBytes) { // the file shrank while being read
            throw truncated(file, "file", headerBytes + (long) read, expectedLength, "");
        }
        if (in.read() >= 0) { // the file grew while being read
            throw trailing(file, "file", 1 + in.transferTo(OutputStream.nullOutputStream()), expectedLength);
        }
        return data;
    }

    /**
     * Reads the data of a gzip file. The decompressed length is not known in advance, so the buffer
     * grows as data arrives: a small corrupt file that declares a huge size does not make this
     * allocate the declared size.
     */
    private static byte[] readCompressedData(Path file, InputStream in, int dataBytes, int headerBytes,
            long expectedLength) throws IOException {
        byte[] data = new byte[Math.min(dataBytes, INITIAL_GZIP_BUFFER)];
        int filled = 0;
        try {
            while (filled < dataBytes) {
                if (filled == data.length) {
                    data = Arrays.copyOf(data, (int) Math.min(dataBytes, 2L * data.length));
                }
                int read = in.read(data, filled, data.length - filled);
                if (read < 0) {
                    break;
                }
                filled += read;
            }
        } catch (EOFException exception) {
            throw truncated(file, "decompressed data", headerBytes + (long) filled, expectedLength,
                    " (the gzip stream is cut off)");
        }
        if (filled < dataBytes) {
            throw truncated(file, "decompressed data", headerBytes + (long) filled, expectedLength, "");
        }
        long extra;
        try {
            extra = in.transferTo(OutputStream.nullOutputStream());
        } catch (EOFException exception) {
            extra = 1; // data continues past the declared end, and then the gzip stream is cut off
        }
        if (extra > 0) {
            throw trailing(file, "decompressed data", extra, expectedLength);
        }
        return data;
    }

    private static IdxFormatException truncated(Path file, String subject, long actual, long expected,
            String note) {
        return new IdxFormatException(file, subject + " ends after " + actual + " of " + expected
                + " bytes" + note);
    }

    private static IdxFormatException trailing(Path file, String subject, long extra, long expected) {
        return new IdxFormatException(file, subject + " has " + extra + " trailing bytes after the "
                + expected + " bytes the header declares");
    }

    private static String describe(int[] dimensions, List<String> dimensionNames) {
        StringBuilder description = new StringBuilder();
        for (int index = 0; index < dimensions.length; index++) {
            if (index > 0) {
                description.append(" x ");
            }
            description.append(dimensions[index]).append(' ').append(dimensionNames.get(index));
        }
        return description.toString();
    }

    private static String describeMagic(int magic) {
        if (magic == IMAGES_MAGIC) {
            return " (IDX images)";
        }
        if (magic == LABELS_MAGIC) {
            return " (IDX labels)";
        }
        return " (not a known IDX magic number)";
    }

    private static String hex(int value) {
        return String.format("0x%08X", value);
    }
}
