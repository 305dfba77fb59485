package dev.rnn4j.mnist.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzes the IDX reader and the data set loader with jqwik: mutated bytes of valid IDX files, raw and gzip, forged
 * headers (huge, zero and negative sizes, wrong magic numbers), truncated and extended files. Whatever the bytes,
 * reading either succeeds or throws the documented {@link IdxFormatException} naming the file: never another
 * exception, never a hang (10 s per try), never a large allocation (at most {@value #MAX_ALLOCATED_BYTES} bytes of heap
 * per try, measured on the reading thread, for files of a few kilobytes that may declare gigabytes).
 */
class IdxReaderFuzzTest {
    private static final long MAX_ALLOCATED_BYTES = 32L << 20;
    private static final Duration PER_TRY = Duration.ofSeconds(10);

    private static Path folder;
    private static byte[] images;
    private static byte[] labels;

    @BeforeContainer
    static void makeValidFiles() throws IOException {
        folder = Files.createTempDirectory("rnn4j-idx-fuzz");
        images = IdxTestFiles.images(12, 7, 6, 5);
        labels = IdxTestFiles.labels(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1);
    }

    @AfterContainer
    static void deleteFiles() throws IOException {
        try (var files = Files.walk(folder)) {
            for (Path path : files.sorted(Collections.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
    void changedBytes(@ForAll("changes") List<Tuple.Tuple2<Integer, Integer>> changes, @ForAll boolean ofLabels,
            @ForAll boolean gzip) {
        byte[] bytes = (ofLabels ? labels : images).clone();
        for (Tuple.Tuple2<Integer, Integer> change : changes) {
            bytes[change.get1() % bytes.length] = (byte) (int) change.get2();
        }
        Statistics.collect(assertReadsOrFailsCleanly(gzip ? IdxTestFiles.gzip(bytes) : bytes, ofLabels));
    }

    @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
    void forgedHeaders(@ForAll long seed, @ForAll boolean ofLabels, @ForAll boolean gzip) {
        Random random = new Random(seed);
        int[] special = {0, 1, 7, 12, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 16, 1 << 20, 60_000, 2049, 2051};
        byte[] valid = ofLabels ? labels : images;
        int headerInts = ofLabels ? 2 : 4;
        ByteBuffer header = ByteBuffer.wrap(valid.clone());
        for (int i = 0; i < headerInts; i++) {
            if (random.nextInt(3) == 0) {
                header.putInt(4 * i, random.nextBoolean() ? special[random.nextInt(special.length)] : random.nextInt());
            }
        }
        byte[] bytes = header.array();
        int length = random.nextInt(4) == 0 ? random.nextInt(bytes.length + 40) : bytes.length;
        bytes = Arrays.copyOf(bytes, length);
        Statistics.collect(assertReadsOrFailsCleanly(gzip ? IdxTestFiles.gzip(bytes) : bytes, ofLabels));
    }

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void truncatedGzip(@ForAll @IntRange(min = 0, max = 400) int cut, @ForAll boolean ofLabels) {
        byte[] gzip = IdxTestFiles.gzip(ofLabels ? labels : images);
        Statistics.collect(assertReadsOrFailsCleanly(Arrays.copyOf(gzip, Math.min(cut, gzip.length + 8)),
                ofLabels));
    }

    @Property(tries = 100, shrinking = ShrinkingMode.BOUNDED)
    void aDataSetWithOneBadFile(@ForAll("changes") List<Tuple.Tuple2<Integer, Integer>> changes,
            @ForAll @IntRange(min = 0, max = 3) int which) throws IOException {
        Path dir = Files.createDirectories(folder.resolve("dataset"));
        byte[][] files = {images, labels, IdxTestFiles.images(5, 7, 6, 9), IdxTestFiles.labels(1, 2, 3, 4, 5)};
        byte[] bad = files[which].clone();
        for (Tuple.Tuple2<Integer, Integer> change : changes) {
            bad[change.get1() % bad.length] = (byte) (int) change.get2();
        }
        files[which] = bad;
        for (int i = 0; i < 4; i++) {
            Files.write(dir.resolve(MnistDataset.FILE_NAMES.get(i)), files[i]);
        }
        String outcome = assertTimeoutPreemptively(PER_TRY, () -> {
            long before = allocatedBytes();
            String result = "loaded";
            try {
                MnistDataset.load(dir, 10);
            } catch (IdxFormatException expected) {
                assertThat(expected.getMessage()).contains(dir.toString()).doesNotContain("\n");
                result = "IdxFormatException";
            }
            assertThat(allocatedBytes() - before).isLessThan(MAX_ALLOCATED_BYTES);
            return result;
        });
        Statistics.collect(outcome);
    }

    /**
     * Found by {@link #forgedHeaders}: the reader multiplied the three sizes in a long, which overflows; 2^21 x 2^21 x
     * 2^22 images wrapped to 0 bytes, and a 16-byte file passed as 2,097,152 images of no pixels (other sizes gave a
     * NegativeArraySizeException).
     */
    @Example
    void sizesWhoseProductOverflowsALong() {
        byte[] header = ByteBuffer.allocate(16).putInt(IdxReader.IMAGES_MAGIC).putInt(1 << 21).putInt(1 << 21)
                .putInt(1 << 22).array();
        Path file = folder.resolve("overflow-idx3-ubyte");
        assertThatThrownBy(() -> IdxReader.readImages(Files.write(file, header)))
                .isInstanceOf(IdxFormatException.class)
                .hasMessage(file + ": header declares 2097152 images x 2097152 rows x 4194304 columns"
                        + " = 18446744073709551616 bytes of data, more than the supported maximum of 2147483639 bytes");
    }

    @Provide
    Arbitrary<List<Tuple.Tuple2<Integer, Integer>>> changes() {
        // Most changes go to the header (the first 16 bytes), where they matter most.
        Arbitrary<Integer> position = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(0, 15)),
                Tuple.of(1, Arbitraries.integers().between(0, images.length - 1)));
        return Combinators.combine(position, Arbitraries.integers().between(0, 255)).as(Tuple::of)
                .list().ofMinSize(1).ofMaxSize(6);
    }

    /**
     * Writes the bytes and reads them as images or labels: success, or an IdxFormatException that names the file in
     * one line, within the time and allocation bounds; anything else fails the property.
     *
     * @return what happened, for the statistics jqwik prints
     */
    private static String assertReadsOrFailsCleanly(byte[] bytes, boolean ofLabels) {
        Path file = folder.resolve(ofLabels ? "labels-idx1-ubyte" : "images-idx3-ubyte");
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return assertTimeoutPreemptively(PER_TRY, () -> {
            long before = allocatedBytes();
            String result = "read";
            try {
                if (ofLabels) {
                    IdxReader.readLabels(file, 10);
                } else {
                    IdxReader.readImages(file);
                }
            } catch (IdxFormatException expected) {
                assertThat(expected.getMessage()).startsWith(file.toString()).doesNotContain("\n");
                String detail = expected.getMessage().substring(file.toString().length() + 2);
                result = String.join(" ", Arrays.copyOf(detail.split("\\s+"), Math.min(3, detail.split("\\s+")
                        .length)));
            }
            assertThat(allocatedBytes() - before).as("bytes allocated while reading").isLessThan(MAX_ALLOCATED_BYTES);
            return result;
        });
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
