package dev.rnn4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.rnn4j.core.Categorical;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.TestSupport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fuzzes the readers of model files, checkpoints and {@code .npy} with jqwik: mutated bytes of valid files, forged
 * {@code .npy} headers and forged configs. Whatever the bytes, reading either succeeds or throws the documented
 * {@link ModelFileException} (or another {@link IOException}): never another exception or error, never a hang (each
 * try has 10 s), and never a large allocation (at most {@value #MAX_ALLOCATED_BYTES} bytes of heap per try, measured on
 * the reading thread; off-heap weights are bounded by the loader's parameter-count check, which the forged configs
 * exercise). Each property runs a bounded number of tries, so the whole class takes seconds in CI; a failure prints
 * the seed that reproduces it.
 */
class ModelFileFuzzTest {
    private static final long MAX_ALLOCATED_BYTES = 64L << 20;
    private static final Duration PER_TRY = Duration.ofSeconds(10);

    private static Path folder;
    /** A valid model file whose entries are stored, not deflated, so that mutations reach the parsers. */
    private static byte[] storedModel;
    /** The same model file as ModelFile.save writes it (deflated). */
    private static byte[] savedModel;
    /** A valid checkpoint, entries stored. */
    private static byte[] storedCheckpoint;
    /** The entries of the valid model file, in order. */
    private static Map<String, byte[]> modelEntries;
    /** Offsets in {@link #storedModel} of the zip headers (with entry names) and .npy headers. */
    private static List<Integer> hotOffsets;
    /**
     * Offsets in {@link #storedModel} of the entry names and of the name, extra and comment lengths, in the local
     * headers and the central directory.
     */
    private static List<Integer> nameOffsets;

    @BeforeContainer
    static void makeValidFiles() throws IOException {
        folder = Files.createTempDirectory("rnn4j-fuzz");
        Path model = folder.resolve("valid.zip");
        Sequential small = ModelFileTest.smallModel(5);
        ModelFile.save(small, model);
        savedModel = Files.readAllBytes(model);
        modelEntries = entries(savedModel);
        // An entry the loader ignores: corrupting its name reaches the code that lists the entries.
        modelEntries.put("notes/readme.txt", "trained on MNIST".getBytes(StandardCharsets.UTF_8));
        storedModel = stored(modelEntries);

        Random random = new Random(3);
        float[] values = new float[12 * 5 * 4];
        int[] labels = new int[12];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(3);
        }
        INDArray x = Nd4j.create(values, new long[] {12, 5, 4}, 'c');
        Checkpoints checkpoints = new Checkpoints(folder.resolve("checkpoints"), 1);
        small.fit(x, Categorical.toCategorical(labels, 3), new FitOptions().epochs(1).batchSize(4).verbose(0)
                .callbacks(checkpoints));
        storedCheckpoint = stored(entries(Files.readAllBytes(checkpoints.lastWritten())));

        hotOffsets = new ArrayList<>();
        for (int i = 0; i + 4 <= storedModel.length; i++) {
            boolean zipHeader = storedModel[i] == 'P' && storedModel[i + 1] == 'K';
            boolean npyHeader = (storedModel[i] & 0xFF) == 0x93 && storedModel[i + 1] == 'N';
            if (zipHeader || npyHeader) {
                for (int j = i; j < Math.min(storedModel.length, i + (npyHeader ? 128 : 96)); j++) {
                    hotOffsets.add(j);
                }
            }
        }
        nameOffsets = new ArrayList<>();
        ByteBuffer zip = ByteBuffer.wrap(storedModel).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 46 <= storedModel.length; i++) {
            int signature = zip.getInt(i);
            int nameStart = signature == 0x04034b50 ? i + 30 : signature == 0x02014b50 ? i + 46 : -1;
            if (nameStart > 0) {
                int lengths = signature == 0x04034b50 ? i + 26 : i + 28;
                int nameLength = zip.getShort(lengths) & 0xFFFF;
                for (int j = lengths; j < (signature == 0x04034b50 ? i + 30 : i + 34); j++) {
                    nameOffsets.add(j);
                }
                for (int j = nameStart; j < Math.min(storedModel.length, nameStart + nameLength); j++) {
                    nameOffsets.add(j);
                }
            }
        }
        // Warm up: the first load pays for class loading and ND4J's start, which the allocation bound should not see.
        assertReadsOrFailsCleanly(storedModel, ModelFileFuzzTest::load);
    }

    @AfterContainer
    static void deleteFiles() throws IOException {
        try (var files = Files.walk(folder)) {
            for (Path path : files.sorted(Collections.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    // -------------------------------------------------------------------------------------------------- properties

    @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
    void changedBytesOfAModelFile(@ForAll("changes") List<Tuple.Tuple2<Integer, Integer>> changes) {
        byte[] bytes = storedModel.clone();
        for (Tuple.Tuple2<Integer, Integer> change : changes) {
            bytes[change.get1()] = (byte) (int) change.get2();
        }
        Statistics.collect(assertReadsOrFailsCleanly(bytes, ModelFileFuzzTest::load));
    }

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void changedEntryNamesAndLengths(@ForAll("nameChanges") List<Tuple.Tuple2<Integer, Integer>> changes) {
        byte[] bytes = storedModel.clone();
        for (Tuple.Tuple2<Integer, Integer> change : changes) {
            bytes[change.get1()] = (byte) (int) change.get2();
        }
        Statistics.collect(assertReadsOrFailsCleanly(bytes, ModelFileFuzzTest::load));
    }

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void aTruncatedOrExtendedModelFile(@ForAll("lengths") int length, @ForAll boolean stored) {
        byte[] source = stored ? storedModel : savedModel;
        Statistics.collect(assertReadsOrFailsCleanly(Arrays.copyOf(source, Math.min(length, source.length + 64)),
                ModelFileFuzzTest::load));
    }

    @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
    void forgedNpyHeaders(@ForAll long seed) {
        Random random = new Random(seed);
        Map<String, byte[]> entries = new LinkedHashMap<>(modelEntries);
        List<String> weights = entries.keySet().stream().filter(name -> name.startsWith("weights/")).toList();
        String target = weights.get(random.nextInt(weights.size()));
        entries.put(target, forgedNpy(random, entries.get(target)));
        Statistics.collect(assertReadsOrFailsCleanly(stored(entries), ModelFileFuzzTest::load));
    }

    @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
    void forgedConfigs(@ForAll long seed) {
        Random random = new Random(seed);
        Map<String, byte[]> entries = new LinkedHashMap<>(modelEntries);
        JsonElement config = JsonParser.parseString(new String(entries.get(ModelFile.CONFIG_ENTRY),
                StandardCharsets.UTF_8));
        List<JsonElement[]> slots = new ArrayList<>();
        collect(config, slots);
        for (int i = 0; i < 1 + random.nextInt(3); i++) {
            JsonElement[] slot = slots.get(random.nextInt(slots.size()));
            replace(slot, randomJson(random));
        }
        entries.put(ModelFile.CONFIG_ENTRY, config.toString().getBytes(StandardCharsets.UTF_8));
        Statistics.collect(assertReadsOrFailsCleanly(stored(entries), ModelFileFuzzTest::load));
    }

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void changedBytesOfACheckpoint(@ForAll("checkpointChanges") List<Tuple.Tuple2<Integer, Integer>> changes) {
        byte[] bytes = storedCheckpoint.clone();
        for (Tuple.Tuple2<Integer, Integer> change : changes) {
            bytes[change.get1()] = (byte) (int) change.get2();
        }
        Statistics.collect(assertReadsOrFailsCleanly(bytes, file -> Checkpoints.restore(file, TestSupport.BACKEND)));
    }

    @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
    void npyFilesReadAlone(@ForAll long seed, @ForAll boolean sizeKnown) {
        Random random = new Random(seed);
        byte[] bytes = forgedNpy(random, modelEntries.get("weights/simple_rnn/kernel.npy"));
        assertTimeoutPreemptively(PER_TRY, () -> {
            long before = allocatedBytes();
            try (InputStream in = new ByteArrayInputStream(bytes)) {
                Npy.read(in, sizeKnown ? bytes.length : -1, "fuzz.npy");
            } catch (ModelFileException expected) {
                // the documented failure
            }
            assertThat(allocatedBytes() - before).isLessThan(MAX_ALLOCATED_BYTES);
        });
    }

    // ----------------------------------------------------------------------------------------------- generators

    @Provide
    Arbitrary<List<Tuple.Tuple2<Integer, Integer>>> changes() {
        Arbitrary<Integer> anywhere = Arbitraries.integers().between(0, storedModel.length - 1);
        Arbitrary<Integer> hot = Arbitraries.of(hotOffsets);
        Arbitrary<Integer> position = Arbitraries.frequencyOf(Tuple.of(1, anywhere), Tuple.of(2, hot));
        return Combinators.combine(position, Arbitraries.integers().between(0, 255)).as(Tuple::of)
                .list().ofMinSize(1).ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<Tuple.Tuple2<Integer, Integer>>> nameChanges() {
        return Combinators.combine(Arbitraries.of(nameOffsets), Arbitraries.integers().between(0, 255)).as(Tuple::of)
                .list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<Tuple.Tuple2<Integer, Integer>>> checkpointChanges() {
        return Combinators.combine(Arbitraries.integers().between(0, storedCheckpoint.length - 1),
                Arbitraries.integers().between(0, 255)).as(Tuple::of).list().ofMinSize(1).ofMaxSize(12);
    }

    @Provide
    Arbitrary<Integer> lengths() {
        return Arbitraries.integers().between(0, savedModel.length + 64);
    }

    /** A {@code .npy} with a forged header: dtype, order, shape (huge, zero, negative, junk), lengths. */
    private static byte[] forgedNpy(Random random, byte[] valid) {
        String[] dtypes = {"'<f4'", "'<f8'", "'<i4'", "'>f4'", "'|u1'", "'<f2'", "''", "<f4", "'<f4", "'<c16'"};
        String[] orders = {"False", "True", "0", "", "None", "False, 'x': 1"};
        String descr = random.nextInt(4) == 0 ? dtypes[random.nextInt(dtypes.length)] : "'<f4'";
        String order = random.nextInt(6) == 0 ? orders[random.nextInt(orders.length)] : "False";
        String shape = shape(random);
        String dict = random.nextInt(20) == 0 ? randomText(random)
                : "{'descr': " + descr + ", 'fortran_order': " + order + ", 'shape': " + shape + ", }";
        byte[] text = (dict + " ".repeat(random.nextInt(64)) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        int major = random.nextInt(8) == 0 ? random.nextInt(4) : 1;
        int lengthField = major == 2 ? 4 : 2;
        long declared = random.nextInt(6) == 0 ? random.nextInt(1 << 20) : text.length;
        int validData = valid.length - 128;
        int dataLength = random.nextInt(3) == 0 ? random.nextInt(2 * validData + 1) : validData;
        ByteBuffer buffer = ByteBuffer.allocate(8 + lengthField + text.length + dataLength)
                .order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (lengthField == 2) {
            buffer.putShort((short) declared);
        } else {
            buffer.putInt(random.nextInt(8) == 0 ? random.nextInt() : (int) declared);
        }
        buffer.put(text);
        buffer.put(valid, 128, Math.min(dataLength, validData));
        return buffer.array();
    }

    private static String shape(Random random) {
        long[] special = {0, 1, 3, 4, 8, -1, 1L << 31, (1L << 31) - 1, 1L << 40, Long.MAX_VALUE, 3_000_000_000L};
        if (random.nextInt(10) == 0) {
            return randomText(random);
        }
        int rank = random.nextInt(5);
        List<String> dims = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            long dim = random.nextBoolean() ? special[random.nextInt(special.length)] : random.nextInt(300);
            dims.add(random.nextInt(30) == 0 ? dim + "L" : Long.toString(dim));
        }
        if (random.nextInt(10) == 0) {
            dims.add("99999999999999999999999");
        }
        return "(" + String.join(", ", dims) + (rank == 1 ? ",)" : ")");
    }

    private static String randomText(Random random) {
        String alphabet = "{}()[],:' \"0123456789-Lxdescrshapefortran_orderFalseTrue<f4\\\n";
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < random.nextInt(80); i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** Collects every primitive in a JSON tree as a (parent, key or index) slot. */
    private static void collect(JsonElement element, List<JsonElement[]> slots) {
        if (element.isJsonObject()) {
            for (Map.Entry<String, JsonElement> entry : element.getAsJsonObject().entrySet()) {
                slots.add(new JsonElement[] {element, new JsonPrimitive(entry.getKey())});
                collect(entry.getValue(), slots);
            }
        } else if (element.isJsonArray()) {
            JsonArray array = element.getAsJsonArray();
            for (int i = 0; i < array.size(); i++) {
                slots.add(new JsonElement[] {element, new JsonPrimitive(i)});
                collect(array.get(i), slots);
            }
        }
    }

    private static void replace(JsonElement[] slot, JsonElement value) {
        if (slot[0].isJsonObject()) {
            slot[0].getAsJsonObject().add(slot[1].getAsString(), value);
        } else {
            slot[0].getAsJsonArray().set(slot[1].getAsInt(), value);
        }
    }

    private static JsonElement randomJson(Random random) {
        long[] numbers = {0, 1, 2, -1, 28, 255, 100_000, 1_000_000, Integer.MAX_VALUE, 1L << 31, 1L << 40,
            Long.MAX_VALUE, Long.MIN_VALUE};
        return switch (random.nextInt(9)) {
            case 0, 1, 2 -> new JsonPrimitive(numbers[random.nextInt(numbers.length)]);
            case 3 -> new JsonPrimitive(random.nextInt(600) - 100);
            case 4 -> new JsonPrimitive(random.nextDouble() * Math.pow(10, random.nextInt(12)));
            case 5 -> new JsonPrimitive(new String[] {"SimpleRNN", "Dense", "LSTM", "GRU", "Activation", "softmax",
                "tanh", "SGD", "Adam", "RMSprop", "", "dense/../x", "weights"}[random.nextInt(13)]);
            case 6 -> new JsonPrimitive(random.nextBoolean());
            case 7 -> JsonNull.INSTANCE;
            default -> random.nextBoolean() ? new JsonArray() : new JsonObject();
        };
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    @FunctionalInterface
    private interface Reader {
        void read(Path file) throws IOException;
    }

    private static void load(Path file) throws IOException {
        ModelFile.load(file, TestSupport.BACKEND);
    }

    /**
     * Writes the bytes to a file and reads it: success or a {@link ModelFileException} naming the file (documented:
     * every problem with the file is one), within the time and allocation bounds; anything else, another
     * {@link IOException} included, fails the property.
     *
     * @return what happened, for the statistics jqwik prints: {@code read} or a short label of the error
     */
    private static String assertReadsOrFailsCleanly(byte[] bytes, Reader reader) {
        Path file = folder.resolve("fuzz.zip");
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String outcome = assertTimeoutPreemptively(PER_TRY, () -> {
            long before = allocatedBytes();
            String result = "read";
            try {
                reader.read(file);
            } catch (ModelFileException expected) {
                // The documented failure for a bad file: one line that starts with the file.
                assertThat(expected.getMessage()).startsWith(file.toString()).doesNotContain("\n");
                result = kind(expected.getMessage().substring(file.toString().length()));
            }
            assertThat(allocatedBytes() - before).as("bytes allocated while reading").isLessThan(MAX_ALLOCATED_BYTES);
            return result;
        });
        return outcome;
    }

    /** A short label of an error, for the statistics of the outcomes: the entry kind and the check that failed. */
    private static String kind(String message) {
        String entry = message.startsWith(", entry weights/") ? "weights"
                : message.startsWith(", entry optimizer/") ? "optimizer slot"
                : message.startsWith(", entry ") ? message.substring(8, message.indexOf(':') < 0 ? message.length()
                        : message.indexOf(':')) : "zip";
        String problem = message.substring(message.indexOf(':') + 1).strip();
        String[] words = problem.split("[\\s:,(]+");
        return entry + ": " + String.join(" ", Arrays.copyOf(words, Math.min(2, words.length)));
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static Map<String, byte[]> entries(byte[] zipBytes) throws IOException {
        Path file = Files.createTempFile(folder, "entries", ".zip");
        Files.write(file, zipBytes);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(entry)) {
                    entries.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        Files.delete(file);
        return entries;
    }

    /** A zip of these entries, stored without compression (as numpy.savez writes). */
    private static byte[] stored(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                ZipEntry zipEntry = new ZipEntry(entry.getKey());
                zipEntry.setMethod(ZipEntry.STORED);
                zipEntry.setSize(entry.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(entry.getValue());
                zipEntry.setCrc(crc.getValue());
                zip.putNextEntry(zipEntry);
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
