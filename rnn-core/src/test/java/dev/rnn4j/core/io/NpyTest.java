package dev.rnn4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NpyTest {
    private static final String SOURCE = "test.zip, entry weights/x/kernel.npy";

    @TempDir
    Path folder;

    /** The header NumPy 2.x writes: 128 bytes for these small shapes (checked against numpy.save). */
    private static byte[] numpyHeader(String shape) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        String text = dict + " ".repeat(117 - dict.length()) + "\n";
        ByteBuffer buffer = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) 118);
        buffer.put(text.getBytes(StandardCharsets.ISO_8859_1));
        return buffer.array();
    }

    /** A hand-made .npy: any header dict, version and data. */
    private static byte[] npy(int major, String dict, byte[] data) {
        byte[] text = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        int lengthField = major == 1 ? 2 : 4;
        ByteBuffer buffer = ByteBuffer.allocate(8 + lengthField + text.length + data.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            buffer.putShort((short) text.length);
        } else {
            buffer.putInt(text.length);
        }
        return buffer.put(text).put(data).array();
    }

    private static byte[] floats(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            buffer.putFloat(value);
        }
        return buffer.array();
    }

    private static Npy.FloatArray read(byte[] bytes, long size) throws IOException {
        return Npy.read(new ByteArrayInputStream(bytes), size, SOURCE);
    }

    @Test
    void writesTheBytesNumpySaveWrites() throws IOException {
        for (String[] shape : new String[][] {{"(2, 3)", "2,3"}, {"(256,)", "256"}, {"(28, 256)", "28,256"},
            {"()", ""}, {"(0, 4)", "0,4"}}) {
            long[] dims = shape[1].isEmpty() ? new long[0]
                    : Arrays.stream(shape[1].split(",")).mapToLong(Long::parseLong).toArray();
            assertThat(Npy.header(dims)).as(shape[0]).isEqualTo(numpyHeader(shape[0]));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f});
        byte[] bytes = out.toByteArray();
        assertThat(bytes).hasSize(128 + 24);
        assertThat(Arrays.copyOfRange(bytes, 0, 128)).isEqualTo(numpyHeader("(2, 3)"));
        assertThat(Arrays.copyOfRange(bytes, 128, bytes.length)).isEqualTo(floats(1, 2, 3, 4, 5, -6.5f));
    }

    @Test
    void headersAreAlignedTo64BytesForEveryRank() {
        Random random = new Random(1);
        for (int rank = 0; rank < 40; rank++) {
            long[] shape = new long[rank];
            for (int i = 0; i < rank; i++) {
                shape[i] = 1 + random.nextInt(100_000);
            }
            byte[] header = Npy.header(shape);
            assertThat(header.length % 64).as("rank %d", rank).isZero();
            assertThat(header[header.length - 1]).isEqualTo((byte) '\n');
            assertThat(header[6]).isEqualTo((byte) 1);
        }
    }

    @Test
    void roundTripsAnIndArrayBitForBit(@TempDir Path dir) throws IOException {
        INDArray array = Nd4j.rand(DataType.FLOAT, 7, 5).subi(0.5);
        array.putScalar(0, 0, Float.MIN_VALUE);
        array.putScalar(1, 1, -0.0f);
        array.putScalar(2, 2, Float.NaN);
        Path file = dir.resolve("a.npy");
        Npy.write(file, array);
        Npy.FloatArray read = Npy.read(file);
        assertThat(read.shape()).containsExactly(7, 5);
        assertThat(floatBits(read.data())).isEqualTo(floatBits(array.data().asFloat()));
        assertThat(read.toINDArray().shape()).containsExactly(7, 5);
    }

    @Test
    void writesViewsAndTransposesInCOrder() throws IOException {
        INDArray matrix = Nd4j.create(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, 'c');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, matrix.transpose());
        Npy.FloatArray read = read(out.toByteArray(), out.size());
        assertThat(read.shape()).containsExactly(3, 2);
        assertThat(read.data()).containsExactly(1, 4, 2, 5, 3, 6);
    }

    @Test
    void readsVersion2AndFloat64() throws IOException {
        ByteBuffer doubles = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.25).putDouble(-3);
        byte[] bytes = npy(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", doubles.array());
        Npy.FloatArray read = read(bytes, bytes.length);
        assertThat(read.shape()).containsExactly(2);
        assertThat(read.data()).containsExactly(0.25f, -3f);
    }

    @Test
    void readsWithoutKnowingTheSize() throws IOException {
        byte[] bytes = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", floats(1, 2, 3));
        assertThat(read(bytes, -1).data()).containsExactly(1, 2, 3);
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> read(longer, -1)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining(SOURCE).hasMessageContaining("data length").hasMessageContaining("found more");
    }

    @Test
    void rejectsOtherDtypesNamingThem() {
        for (String dtype : new String[] {">f4", "<i4", "|u1", "<f2", "float32"}) {
            byte[] bytes = npy(1, "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (1,), }", floats(1));
            assertThatThrownBy(() -> read(bytes, bytes.length)).isInstanceOf(ModelFileException.class)
                    .hasMessageStartingWith(SOURCE + ": ")
                    .hasMessageContaining("dtype: expected '<f4'")
                    .hasMessageContaining("found '" + dtype + "'");
        }
    }

    @Test
    void rejectsFortranOrder() {
        byte[] bytes = npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", floats(1));
        assertThatThrownBy(() -> read(bytes, bytes.length)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining(SOURCE).hasMessageContaining("fortran_order: expected False")
                .hasMessageContaining("found 'True'");
    }

    @Test
    void rejectsBadMagicVersionAndHeader() {
        byte[] notNpy = "PK\u0003\u0004 something else".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> read(notNpy, notNpy.length)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining(SOURCE).hasMessageContaining("not a .npy file")
                .hasMessageContaining("expected the magic");
        byte[] empty = new byte[0];
        assertThatThrownBy(() -> read(empty, 0)).hasMessageContaining("(empty)");

        byte[] version3 = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", floats(1));
        version3[6] = 3;
        assertThatThrownBy(() -> read(version3, version3.length)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("version: expected 1.0 or 2.0, found 3.0");

        byte[] noShape = npy(1, "{'descr': '<f4', 'fortran_order': False, }", floats(1));
        assertThatThrownBy(() -> read(noShape, noShape.length)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("expected the key 'shape'");

        byte[] badShape = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }", floats(1));
        assertThatThrownBy(() -> read(badShape, badShape.length)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("shape: expected a tuple of non-negative integers, found '(2, -1)'");

        byte[] notADict = npy(1, "descr=<f4", floats(1));
        assertThatThrownBy(() -> read(notADict, notADict.length)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("header: expected a dict");

        byte[] full = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", floats(1));
        byte[] truncatedHeader = Arrays.copyOf(full, 30);
        assertThatThrownBy(() -> read(truncatedHeader, -1)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void checksTheDataLengthAgainstTheShape() {
        byte[] shortData = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", floats(1, 2, 3));
        assertThatThrownBy(() -> read(shortData, shortData.length)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("data length: expected 24 bytes for shape [2, 3] of '<f4', found 12");
        assertThatThrownBy(() -> read(shortData, -1)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("data length: expected 24 bytes").hasMessageContaining("found 12 (truncated)");
        byte[] longData = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", floats(1, 2, 3));
        assertThatThrownBy(() -> read(longData, longData.length)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("data length: expected 8 bytes for shape [2] of '<f4', found 12");
    }

    @Test
    void aForgedHugeShapeFailsWithoutAllocating() {
        // Claims 2^31 - 16 floats (8 GiB) in a 200-byte file: refused from the header, with the size known or not.
        String[] shapes = {"(2147483632,)", "(65536, 32767)", "(4294967296, 4294967296, 4294967296)",
            "(99999999999999999999999,)"};
        for (String shape : shapes) {
            byte[] bytes = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }",
                    floats(1, 2, 3, 4));
            assertThatThrownBy(() -> read(bytes, bytes.length)).as(shape).isInstanceOf(ModelFileException.class)
                    .hasMessageContaining(SOURCE);
            assertThatThrownBy(() -> read(bytes, -1)).as(shape).isInstanceOf(ModelFileException.class)
                    .hasMessageContaining(SOURCE);
        }
        // Under the Java array limit but far over the heap: with an unknown size the data array grows only as bytes
        // arrive, so the truncation is found first.
        byte[] bytes = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2000000000,), }", floats(1, 2));
        assertThatThrownBy(() -> read(bytes, -1)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("found 8 (truncated)");
        // An endless stream that claims a huge array is read in bounded chunks; cut it off after 64 MiB.
        InputStream endless = new InputStream() {
            private long left = 64L << 20;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (left <= 0) {
                    return -1;
                }
                int count = (int) Math.min(length, left);
                Arrays.fill(buffer, offset, offset + count, (byte) 0);
                left -= count;
                return count;
            }
        };
        InputStream forged = new java.io.SequenceInputStream(new ByteArrayInputStream(
                Arrays.copyOf(bytes, bytes.length - 8)), endless);
        assertThatThrownBy(() -> Npy.read(forged, -1, SOURCE)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void aForgedHugeHeaderLengthFails() {
        byte[] bytes = npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", floats(1));
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0x7FFFFFF0);
        assertThatThrownBy(() -> read(bytes, bytes.length)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("header length: expected at most");
        byte[] v1 = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", floats(1));
        ByteBuffer.wrap(v1).order(ByteOrder.LITTLE_ENDIAN).putShort(8, (short) 0xFFFF);
        assertThatThrownBy(() -> read(v1, v1.length)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void readsAFileNamingItInErrors() throws IOException {
        Path file = folder.resolve("bad.npy");
        Files.write(file, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Npy.read(file)).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(file + ": not a .npy file");
    }

    private static int[] floatBits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
