package dev.rnn4j.mnist.data;

import static dev.rnn4j.mnist.data.IdxTestFiles.gzip;
import static dev.rnn4j.mnist.data.IdxTestFiles.images;
import static dev.rnn4j.mnist.data.IdxTestFiles.labels;
import static dev.rnn4j.mnist.data.IdxTestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistDatasetTest {

    @TempDir
    Path dir;

    @Test
    void loadsRawAndGzipFilesOfAnyImageSize() throws Exception {
        write(dir, MnistDataset.TRAIN_IMAGES, images(3, 4, 5, 0));
        write(dir, MnistDataset.TRAIN_LABELS + ".gz", gzip(labels(7, 0, 9)));
        write(dir, MnistDataset.TEST_IMAGES + ".gz", gzip(images(2, 4, 5, 100)));
        write(dir, MnistDataset.TEST_LABELS, labels(1, 2));

        MnistDataset data = MnistDataset.load(dir);

        assertThat(data.rows()).isEqualTo(4);
        assertThat(data.cols()).isEqualTo(5);
        assertThat(data.classes()).isEqualTo(10);
        MnistSplit train = data.train();
        assertThat(train.name()).isEqualTo("train");
        assertThat(train.count()).isEqualTo(3);
        assertThat(train.rows()).isEqualTo(4);
        assertThat(train.cols()).isEqualTo(5);
        assertThat(train.pixelsPerImage()).isEqualTo(20);
        assertThat(train.labels()).containsExactly(7, 0, 9);
        assertThat(train.imagesScaled()).hasSize(60);
        // Pixel i of the file is i % 256; image 2, row 3, col 4 is at (2 * 4 + 3) * 5 + 4 = 59.
        assertThat(train.imagesScaled()[59]).isEqualTo(59 / 255f);
        MnistSplit test = data.test();
        assertThat(test.count()).isEqualTo(2);
        assertThat(test.labels()).containsExactly(1, 2);
        assertThat(test.imagesScaled()[0]).isEqualTo(100 / 255f);
        assertThat(test.imagesScaled()[39]).isEqualTo(139 / 255f);
        assertThat(data.toString()).contains("train: 3 images of 4x5", "test: 2 images of 4x5");

        // Written into a buffer: the same floats (every byte value / 255f, as numpy's x / 255), after the position.
        FloatBuffer buffer = FloatBuffer.allocate(61);
        buffer.put(-1f);
        train.putImagesScaled(buffer);
        assertThat(buffer.position()).isEqualTo(61);
        float[] written = new float[60];
        buffer.get(1, written);
        assertThat(written).containsExactly(train.imagesScaled());
        for (int i = 0; i < 60; i++) {
            assertThat(written[i]).as("pixel %d", i).isEqualTo((i % 256) / 255f);
        }
        assertThatThrownBy(() -> test.putImagesScaled(FloatBuffer.allocate(39)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("39 floats remaining").hasMessageContaining("at least 40");
        MnistSplit fromFloats = new MnistSplit("floats", 1, 2, 2, new float[] {0f, 0.5f, 1f, 0.25f}, new int[] {3});
        FloatBuffer four = FloatBuffer.allocate(4);
        fromFloats.putImagesScaled(four);
        assertThat(four.array()).containsExactly(0f, 0.5f, 1f, 0.25f);
        assertThatThrownBy(() -> fromFloats.putImagesScaled(FloatBuffer.allocate(3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("floats: the target has 3");
    }

    @Test
    void prefersRawFileWhenBothExist() throws Exception {
        writeStandardFiles(dir);
        write(dir, MnistDataset.TRAIN_LABELS + ".gz", gzip(labels(5, 5)));

        assertThat(MnistDataset.load(dir).train().labels()).containsExactly(1, 2);
        assertThat(MnistDataset.locate(dir, MnistDataset.TRAIN_LABELS))
                .isEqualTo(dir.resolve(MnistDataset.TRAIN_LABELS));
    }

    @Test
    void rejectsCountMismatchBetweenImagesAndLabels() {
        writeStandardFiles(dir);
        write(dir, MnistDataset.TRAIN_LABELS, labels(1, 2, 3));

        assertThatThrownBy(() -> MnistDataset.load(dir))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage("images and labels differ in count: " + dir.resolve(MnistDataset.TRAIN_IMAGES)
                        + " has 2, " + dir.resolve(MnistDataset.TRAIN_LABELS) + " has 3");
    }

    @Test
    void rejectsImageSizeMismatchBetweenTrainAndTest() {
        writeStandardFiles(dir);
        write(dir, MnistDataset.TEST_IMAGES, images(2, 3, 3, 0));

        assertThatThrownBy(() -> MnistDataset.load(dir))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage("training and test images differ in size: " + dir.resolve(MnistDataset.TRAIN_IMAGES)
                        + " has 2x2, " + dir.resolve(MnistDataset.TEST_IMAGES) + " has 3x3");
    }

    @Test
    void reportsMissingFileWithDirectory() {
        writeStandardFiles(dir);
        write(dir, "t10k-labels-idx1-ubyte.zip", labels(1, 2));
        dir.resolve(MnistDataset.TEST_LABELS).toFile().delete();

        assertThatThrownBy(() -> MnistDataset.load(dir))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessage("t10k-labels-idx1-ubyte: not found in directory " + dir.toAbsolutePath()
                        + " (looked for t10k-labels-idx1-ubyte and t10k-labels-idx1-ubyte.gz)");
    }

    @Test
    void reportsMissingDirectory() {
        Path missing = dir.resolve("nowhere");

        assertThatThrownBy(() -> MnistDataset.load(missing))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessage(missing + ": data directory does not exist");
    }

    @Test
    void reportsMalformedFileByPath() {
        writeStandardFiles(dir);
        write(dir, MnistDataset.TEST_LABELS, labels(1, 12));

        assertThatThrownBy(() -> MnistDataset.load(dir))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage(dir.resolve(MnistDataset.TEST_LABELS) + ": expected labels in 0..9, found 12 at index 1");
    }

    @Test
    void splitRejectsInconsistentArrays() {
        assertThatThrownBy(() -> new MnistSplit("train", 2, 2, 2, new float[8], new int[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("train: expected 2 labels, got 3");
        assertThatThrownBy(() -> new MnistSplit("train", 2, 2, 2, new float[7], new int[2]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("train: expected 8 pixels for 2x2x2, got 7");
    }

    /** Writes two 2x2 training images labelled 1, 2 and two test images labelled 3, 4. */
    static void writeStandardFiles(Path dir) {
        write(dir, MnistDataset.TRAIN_IMAGES, images(2, 2, 2, 0));
        write(dir, MnistDataset.TRAIN_LABELS, labels(1, 2));
        write(dir, MnistDataset.TEST_IMAGES, images(2, 2, 2, 50));
        write(dir, MnistDataset.TEST_LABELS, labels(3, 4));
    }
}
