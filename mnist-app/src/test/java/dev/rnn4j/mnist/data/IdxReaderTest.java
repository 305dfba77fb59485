package dev.rnn4j.mnist.data;

import static dev.rnn4j.mnist.data.IdxTestFiles.concat;
import static dev.rnn4j.mnist.data.IdxTestFiles.gzip;
import static dev.rnn4j.mnist.data.IdxTestFiles.images;
import static dev.rnn4j.mnist.data.IdxTestFiles.labels;
import static dev.rnn4j.mnist.data.IdxTestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    /** Two images of 2 rows by 3 columns with distinct pixels, including 0, 128 and 255. */
    private static final byte[] PIXELS = {
        0, 1, 2, (byte) 128, 4, 5,
        6, 7, 8, 9, 10, (byte) 255,
    };

    @Test
    void readsRawImagesInCOrder() throws Exception {
        Path file = write(dir, "train-images-idx3-ubyte", images(2, 2, 3, PIXELS));

        IdxImages images = IdxReader.readImages(file);

        assertThat(images.count()).isEqualTo(2);
        assertThat(images.rows()).isEqualTo(2);
        assertThat(images.cols()).isEqualTo(3);
        assertThat(images.pixelsPerImage()).isEqualTo(6);
        assertThat(images.pixels()).containsExactly(PIXELS);
        assertThat(images.pixel(0, 1, 0)).isEqualTo(128);
        assertThat(images.pixel(1, 1, 2)).isEqualTo(255);
        assertThat(images.pixel(1, 0, 1)).isEqualTo(7);
    }

    @Test
    void scalesPixelsToZeroOne() throws Exception {
        Path file = write(dir, "images", images(2, 2, 3, PIXELS));

        float[] scaled = IdxReader.readImages(file).scaled();

        assertThat(scaled).hasSize(12);
        assertThat(scaled[0]).isEqualTo(0f);
        assertThat(scaled[3]).isEqualTo(128 / 255f);
        assertThat(scaled[11]).isEqualTo(1.0f);
        // C order [image, row, col]: image 1, row 0, col 1 is at (1 * 2 + 0) * 3 + 1 = 7.
        assertThat(scaled[7]).isEqualTo(7 / 255f);
    }

    @Test
    void readsGzipDetectedByContentNotByName() throws Exception {
        Path gzipWithoutSuffix = write(dir, "train-images-idx3-ubyte", gzip(images(2, 2, 3, PIXELS)));
        Path rawWithGzSuffix = write(dir, "t10k-images-idx3-ubyte.gz", images(2, 2, 3, PIXELS));
        Path gzipLabels = write(dir, "labels.gz", gzip(labels(3, 1, 4, 1, 5, 9)));

        assertThat(IdxReader.readImages(gzipWithoutSuffix).pixels()).containsExactly(PIXELS);
        assertThat(IdxReader.readImages(rawWithGzSuffix).pixels()).containsExactly(PIXELS);
        assertThat(IdxReader.readLabels(gzipLabels)).containsExactly(3, 1, 4, 1, 5, 9);
    }

    @Test
    void readsLargeGzipFileWhoseBufferMustGrow() throws Exception {
        byte[] content = images(30, 200, 200, 7); // 1.2 MB, more than the first gzip buffer
        Path file = write(dir, "big.gz", gzip(content));

        IdxImages images = IdxReader.readImages(file);

        assertThat(images.count()).isEqualTo(30);
        assertThat(images.pixels()).isEqualTo(Arrays.copyOfRange(content, 16, content.length));
    }

    @Test
    void readsLabelsWithMoreClasses() throws Exception {
        Path file = write(dir, "labels", labels(0, 11, 25));

        assertThat(IdxReader.readLabels(file, 26)).containsExactly(0, 11, 25);
    }

    @Test
    void rejectsTruncatedRawFile() {
        byte[] content = images(2, 2, 3, PIXELS);
        Path file = write(dir, "train-images-idx3-ubyte", Arrays.copyOf(content, content.length - 5));

        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage(file + ": file ends after 23 of 28 bytes");
    }

    @Test
    void rejectsTruncatedGzipContent() {
        byte[] content = images(2, 2, 3, PIXELS);
        Path file = write(dir, "train-images-idx3-ubyte.gz", gzip(Arrays.copyOf(content, 20)));

        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage(file + ": decompressed data ends after 20 of 28 bytes");
    }

    @Test
    void rejectsCutOffGzipStream() {
        byte[] compressed = gzip(images(30, 200, 200, 7));
        Path file = write(dir, "train-images-idx3-ubyte.gz", Arrays.copyOf(compressed, compressed.length / 2));

        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining("of 1200016 bytes")
                .hasMessageContaining("gzip stream is cut off");
    }

    @Test
    void rejectsCorruptGzip() {
        byte[] compressed = gzip(images(2, 2, 3, PIXELS));
        Arrays.fill(compressed, 10, compressed.length, (byte) 0xFF);
        Path file = write(dir, "images.gz", compressed);

        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageStartingWith(file + ": corrupt gzip data");
    }

    @Test
    void rejectsTrailingBytesInRawFile() {
        Path file = write(dir, "train-labels-idx1-ubyte", concat(labels(1, 2, 3), new byte[] {4, 5}));

        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage(file + ": file has 2 trailing bytes after the 11 bytes the header declares");
    }

    @Test
    void rejectsTrailingBytesInGzipFile() {
        Path file = write(dir, "train-images-idx3-ubyte.gz", gzip(concat(images(2, 2, 3, PIXELS), new byte[3])));

        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage(file + ": decompressed data has 3 trailing bytes after the 28 bytes the header declares");
    }

    @Test
    void rejectsLabelFileReadAsImages() {
        Path file = write(dir, "train-images-idx3-ubyte", labels(1, 2, 3, 4, 5, 6, 7, 8, 9));

        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage(file + ": expected magic 0x00000803 (IDX images), found 0x00000801 (IDX labels)");
    }

    @Test
    void rejectsUnknownMagic() {
        Path file = write(dir, "train-labels-idx1-ubyte", ByteBuffer.allocate(12).putInt(0x12345678).array());

        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage(file + ": expected magic 0x00000801 (IDX labels), found 0x12345678"
                        + " (not a known IDX magic number)");
    }

    @Test
    void rejectsZeroRows() {
        Path file = write(dir, "train-images-idx3-ubyte", images(2, 0, 3, new byte[0]));

        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage(file + ": expected a positive number of rows, found 0");
    }

    @Test
    void rejectsNegativeColumns() {
        Path file = write(dir, "train-images-idx3-ubyte", images(2, 2, -3, new byte[0]));

        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage(file + ": expected a positive number of columns, found -3");
    }

    @Test
    void rejectsZeroLabels() {
        Path file = write(dir, "train-labels-idx1-ubyte", labels());

        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage(file + ": expected a positive number of labels, found 0");
    }

    @Test
    void rejectsOversizedDimensionsBeforeAllocating() {
        Path file = write(dir, "train-images-idx3-ubyte", images(100_000, 1000, 1000, new byte[0]));

        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage(file + ": header declares 100000 images x 1000 rows x 1000 columns"
                        + " = 100000000000 bytes of data, more than the supported maximum of 2147483639 bytes");
    }

    @Test
    void rejectsHugeDeclaredSizeInSmallGzipFileWithoutAllocatingIt() {
        // 2 x 1,000,000,000 bytes declared would need 2 GB if allocated up front.
        Path file = write(dir, "train-images-idx3-ubyte.gz", gzip(images(2, 1000, 1_000_000, new byte[10])));

        assertThatThrownBy(() -> IdxReader.readImages(file))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage(file + ": decompressed data ends after 26 of 2000000016 bytes");
    }

    @Test
    void rejectsFileEndingInsideHeader() {
        Path empty = write(dir, "empty", new byte[0]);
        Path shortHeader = write(dir, "short", Arrays.copyOf(images(2, 2, 3, PIXELS), 10));

        assertThatThrownBy(() -> IdxReader.readImages(empty))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage(empty + ": file ends after 0 bytes, expected a 16-byte header starting with magic"
                        + " 0x00000803 (IDX images)");
        assertThatThrownBy(() -> IdxReader.readImages(shortHeader))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage(shortHeader + ": file ends after 10 of the 16 header bytes");
    }

    @Test
    void rejectsLabelOutOfRange() {
        Path file = write(dir, "train-labels-idx1-ubyte", labels(0, 9, 10, 3));

        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage(file + ": expected labels in 0..9, found 10 at index 2");
        assertThatThrownBy(() -> IdxReader.readLabels(file, 3))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage(file + ": expected labels in 0..2, found 9 at index 1");
    }

    @Test
    void rejectsInvalidClassCount() {
        Path file = write(dir, "labels", labels(0));

        assertThatThrownBy(() -> IdxReader.readLabels(file, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IdxReader.readLabels(file, 257)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reportsTheFileOfTheException() {
        Path file = write(dir, "labels", labels(12));

        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .isInstanceOfSatisfying(IdxFormatException.class,
                        exception -> assertThat(exception.file()).isEqualTo(file));
    }
}
