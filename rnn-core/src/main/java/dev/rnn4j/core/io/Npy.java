package dev.rnn4j.core.io;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * NumPy's {@code .npy} format for float32 arrays, as {@code numpy.save} and {@code numpy.load} use it.
 *
 * <p>Writing produces exactly the bytes {@code numpy.save} writes for a C-ordered float32 array: the magic
 * {@code \x93NUMPY}, version 1.0, a little-endian 2-byte header length, the header dict
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (28, 256), }} padded with spaces and ended by {@code '\n'} so
 * that the data starts at a multiple of 64 bytes, then the values, little-endian, in C order.
 *
 * <p>Reading accepts versions 1.0 and 2.0, dtype {@code '<f4'} (and {@code '<f8'}, converted to float32), C order only.
 * It checks the header before it allocates anything for the data: the data length must equal the shape's product times
 * the item size (and, when the caller knows the size of the file, the bytes that are there), and the data array grows
 * only as bytes actually arrive, so a forged header cannot make it allocate more than the file holds. Every error is a
 * {@link ModelFileException} whose message names the source, what was expected and what was found.
 */
public final class Npy {
    private static final String FLOAT32 = "<f4";
    private static final String FLOAT64 = "<f8";
    private static final String INT32 = "<i4";
    /** The magic string every {@code .npy} file starts with. */
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** The data starts at a multiple of this, as in NumPy ({@code numpy.lib.format.ARRAY_ALIGN}). */
    public static final int ALIGNMENT = 64;
    /** The longest header accepted when reading (NumPy itself refuses headers over 10,000 bytes by default). */
    public static final int MAX_HEADER_LENGTH = 1 << 20;
    /** The most elements an array may have: the largest Java array. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    /** NumPy leaves room to grow the first axis in place: {@code numpy.lib.format.GROWTH_AXIS_MAX_DIGITS}. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    /** The data array starts this large (elements) and doubles as bytes arrive. */
    private static final int INITIAL_ELEMENTS = 1 << 20;
    private static final int CHUNK_BYTES = 1 << 16;

    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*('[^']*'|\"[^\"]*\"|[^,}]*)");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*([^,}]*)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*(\\([^)]*\\)|[^,}]*)");
    private static final Pattern DIMENSION = Pattern.compile("\\d+L?");

    private Npy() {
    }

    /**
     * A parsed {@code .npy} header.
     *
     * @param major        the format's major version, 1 or 2
     * @param minor        the format's minor version, 0
     * @param dtype        the dtype descriptor: {@code <f4} or {@code <f8}
     * @param shape        the array's shape (empty for a scalar)
     * @param headerBytes  the bytes before the data: magic, version, length field and header
     */
    public record Header(int major, int minor, String dtype, long[] shape, long headerBytes) {
        /** Copies the shape. */
        public Header {
            shape = shape.clone();
        }

        /** @return a copy of the shape */
        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** @return the bytes per element: 4 for {@code <f4}, 8 for {@code <f8} */
        public int itemSize() {
            return FLOAT64.equals(dtype) ? 8 : 4;
        }

        /** @return the number of elements, the product of the shape (1 for a scalar) */
        public long elementCount() {
            long count = 1;
            for (long dim : shape) {
                count *= dim;
            }
            return count;
        }

        /** @return the length of the data in bytes */
        public long dataBytes() {
            return elementCount() * itemSize();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Header header && major == header.major && minor == header.minor
                    && dtype.equals(header.dtype) && Arrays.equals(shape, header.shape)
                    && headerBytes == header.headerBytes;
        }

        @Override
        public int hashCode() {
            return Objects.hash(major, minor, dtype, Arrays.hashCode(shape), headerBytes);
        }

        @Override
        public String toString() {
            return "Header[version=" + major + "." + minor + ", dtype=" + dtype + ", shape=" + Arrays.toString(shape)
                    + ", headerBytes=" + headerBytes + "]";
        }
    }

    /**
     * A float32 array read from a {@code .npy} file.
     *
     * @param shape its shape
     * @param data  its values in C order
     */
    public record FloatArray(long[] shape, float[] data) {
        /** Checks that the data fits the shape. */
        public FloatArray {
            Objects.requireNonNull(shape, "shape is null");
            Objects.requireNonNull(data, "data is null");
            long count = 1;
            for (long dim : shape) {
                count *= dim;
            }
            if (count != data.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count
                        + " values, found " + data.length);
            }
        }

        /** @return a new float32 C-ordered array with these values */
        public INDArray toINDArray() {
            return Nd4j.create(data, shape, 'c');
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof FloatArray array && Arrays.equals(shape, array.shape)
                    && Arrays.equals(data, array.data);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "FloatArray[shape=" + Arrays.toString(shape) + ", " + data.length + " values]";
        }
    }

    // ---------------------------------------------------------------------------------------------------- writing

    /**
     * The header {@code numpy.save} writes for a C-ordered float32 array of this shape: magic, version, length and the
     * padded dict, {@code header.length % 64 == 0}.
     *
     * @param shape the shape, every dimension at least 0
     * @return the header bytes
     */
    public static byte[] header(long[] shape) {
        return header(FLOAT32, shape);
    }

    private static byte[] header(String descr, long[] shape) {
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + ": negative dimension");
            }
        }
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + pythonTuple(shape) + ", }";
        if (shape.length > 0) {
            dict += " ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length()));
        }
        byte[] text = dict.getBytes(StandardCharsets.ISO_8859_1);
        int textLength = text.length + 1;
        // Version 1.0 has a 2-byte length; NumPy switches to 2.0 (4 bytes) only when the header would not fit.
        int lengthField = 2;
        int padding = ALIGNMENT - ((MAGIC.length + 2 + lengthField + textLength) % ALIGNMENT);
        if (textLength + padding > 0xFFFF) {
            lengthField = 4;
            padding = ALIGNMENT - ((MAGIC.length + 2 + lengthField + textLength) % ALIGNMENT);
        }
        int headerLength = textLength + padding;
        ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length + 2 + lengthField + headerLength)
                .order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(MAGIC).put((byte) (lengthField == 2 ? 1 : 2)).put((byte) 0);
        if (lengthField == 2) {
            buffer.putShort((short) headerLength);
        } else {
            buffer.putInt(headerLength);
        }
        buffer.put(text);
        for (int i = 0; i < padding; i++) {
            buffer.put((byte) ' ');
        }
        buffer.put((byte) '\n');
        return buffer.array();
    }

    /**
     * Writes a float32 array as {@code .npy}; the stream is not closed.
     *
     * @param out    where to write
     * @param shape  its shape
     * @param values the values in C order, as many as the shape's product
     * @throws IOException when writing fails
     */
    public static void write(OutputStream out, long[] shape, float[] values) throws IOException {
        new FloatArray(shape, values);
        out.write(header(shape));
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int index = 0;
        while (index < values.length) {
            chunk.clear();
            int count = Math.min(CHUNK_BYTES / Float.BYTES, values.length - index);
            chunk.asFloatBuffer().put(values, index, count);
            out.write(chunk.array(), 0, count * Float.BYTES);
            index += count;
        }
    }

    /**
     * Writes an array as float32 {@code .npy} in C order (a float64 array is rounded to float32); the stream is not
     * closed.
     *
     * @param out   where to write
     * @param array the array, any order, view or not
     * @throws IOException when writing fails
     */
    public static void write(OutputStream out, INDArray array) throws IOException {
        write(out, array.shape(), toFloats(array));
    }

    /**
     * Writes an array to a {@code .npy} file, as {@code numpy.save(path, array.astype('<f4'))}.
     *
     * @param path  the file, replaced if it exists
     * @param array the array
     * @throws IOException when writing fails
     */
    public static void write(Path path, INDArray array) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), CHUNK_BYTES)) {
            write(out, array);
        }
    }

    /**
     * Writes a one-dimensional int32 array as {@code .npy} ({@code '<i4'}, as {@code numpy.save(f, a.astype('<i4'))});
     * the stream is not closed.
     *
     * @param out    where to write
     * @param values the values
     * @throws IOException when writing fails
     */
    public static void writeInts(OutputStream out, int[] values) throws IOException {
        out.write(header(INT32, new long[] {values.length}));
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int index = 0;
        while (index < values.length) {
            chunk.clear();
            int count = Math.min(CHUNK_BYTES / Integer.BYTES, values.length - index);
            chunk.asIntBuffer().put(values, index, count);
            out.write(chunk.array(), 0, count * Integer.BYTES);
            index += count;
        }
    }

    /**
     * Reads a one-dimensional {@code '<i4'} {@code .npy} stream written by {@link #writeInts}, with the same checks as
     * {@link #read(InputStream, long, String)}.
     *
     * @param in     the stream, positioned at the magic; not closed
     * @param size   the stream's length in bytes when known, or -1
     * @param source the file (and zip entry) being read, for messages
     * @return the values
     * @throws ModelFileException naming {@code source} for a malformed file, another dtype or another rank
     * @throws IOException        when reading fails
     */
    public static int[] readInts(InputStream in, long size, String source) throws IOException {
        Header header = readHeader(in, size, source, INT32);
        if (header.shape().length != 1) {
            throw new ModelFileException(source + ": .npy shape: expected one dimension, found "
                    + Arrays.toString(header.shape()));
        }
        long count = header.elementCount();
        int[] data = new int[(int) Math.min(count, INITIAL_ELEMENTS)];
        byte[] chunk = new byte[CHUNK_BYTES];
        int filled = 0;
        while (filled < count) {
            int items = (int) Math.min(CHUNK_BYTES / Integer.BYTES, count - filled);
            int wanted = items * Integer.BYTES;
            int got = in.readNBytes(chunk, 0, wanted);
            if (got < wanted) {
                throw new ModelFileException(source + ": .npy data length: expected " + header.dataBytes()
                        + " bytes for shape " + Arrays.toString(header.shape()) + " of '" + INT32 + "', found "
                        + ((long) filled * Integer.BYTES + got) + " (truncated)");
            }
            if (filled + items > data.length) {
                data = Arrays.copyOf(data, (int) Math.min(count, Math.max(2L * data.length, (long) filled + items)));
            }
            ByteBuffer.wrap(chunk, 0, wanted).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(data, filled, items);
            filled += items;
        }
        if (in.read() != -1) {
            throw new ModelFileException(source + ": .npy data length: expected " + header.dataBytes()
                    + " bytes for shape " + Arrays.toString(header.shape()) + " of '" + INT32 + "', found more");
        }
        return data;
    }

    /**
     * @param array an array of any type, order or view
     * @return its values as float32, in C order
     */
    static float[] toFloats(INDArray array) {
        INDArray contiguous = array.castTo(DataType.FLOAT).dup('c');
        float[] values = contiguous.data().asFloat();
        if (values.length != array.length()) {
            values = Arrays.copyOf(values, Math.toIntExact(array.length()));
        }
        return values;
    }

    // ---------------------------------------------------------------------------------------------------- reading

    /**
     * Reads a {@code .npy} file, as {@code numpy.load}.
     *
     * @param path the file
     * @return its shape and float32 values
     * @throws ModelFileException naming the file for a malformed or unsupported file
     * @throws IOException        when reading fails
     */
    public static FloatArray read(Path path) throws IOException {
        long size = Files.size(path);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), CHUNK_BYTES)) {
            return read(in, size, path.toString());
        }
    }

    /**
     * Reads a whole {@code .npy} stream.
     *
     * @param in     the stream, positioned at the magic; not closed
     * @param size   the stream's length in bytes when known (a file's or zip entry's size), or -1
     * @param source the file (and zip entry) being read, for messages
     * @return its shape and float32 values
     * @throws ModelFileException naming {@code source} for a malformed or unsupported file
     * @throws IOException        when reading fails
     */
    public static FloatArray read(InputStream in, long size, String source) throws IOException {
        Header header = readHeader(in, size, source);
        return new FloatArray(header.shape(), readData(in, header, size, source));
    }

    /**
     * Reads and checks the header: magic, version (1.0 or 2.0), dtype ({@code <f4} or {@code <f8}), fortran order
     * (False), shape, and, when {@code size} is known, that the data after the header has exactly the shape's length.
     * Allocates nothing in proportion to the shape.
     *
     * @param in     the stream, positioned at the magic; left at the first data byte
     * @param size   the stream's length in bytes when known, or -1
     * @param source the file being read, for messages
     * @return the header
     * @throws ModelFileException naming {@code source}, what was expected and what was found
     * @throws IOException        when reading fails
     */
    public static Header readHeader(InputStream in, long size, String source) throws IOException {
        return readHeader(in, size, source, FLOAT32, FLOAT64);
    }

    private static Header readHeader(InputStream in, long size, String source, String... dtypes) throws IOException {
        byte[] prefix = new byte[MAGIC.length + 2];
        int got = in.readNBytes(prefix, 0, prefix.length);
        byte[] magic = Arrays.copyOf(prefix, Math.min(got, MAGIC.length));
        if (!Arrays.equals(magic, MAGIC)) {
            throw new ModelFileException(source + ": not a .npy file: expected the magic \\x93NUMPY, found "
                    + printable(magic) + (got == 0 ? " (empty)" : ""));
        }
        if (got < prefix.length) {
            throw new ModelFileException(source + ": truncated .npy file: the version ends after " + got + " bytes");
        }
        int major = prefix[6] & 0xFF;
        int minor = prefix[7] & 0xFF;
        if ((major != 1 && major != 2) || minor != 0) {
            throw new ModelFileException(source + ": .npy version: expected 1.0 or 2.0, found " + major + "." + minor);
        }
        int lengthField = major == 1 ? 2 : 4;
        byte[] lengthBytes = in.readNBytes(lengthField);
        if (lengthBytes.length < lengthField) {
            throw new ModelFileException(source + ": truncated .npy file: the header length ends after "
                    + (prefix.length + lengthBytes.length) + " bytes");
        }
        ByteBuffer lengthBuffer = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = major == 1 ? lengthBuffer.getShort() & 0xFFFFL : lengthBuffer.getInt() & 0xFFFFFFFFL;
        long headerBytes = prefix.length + lengthField + headerLength;
        if (headerLength > MAX_HEADER_LENGTH) {
            throw new ModelFileException(source + ": .npy header length: expected at most " + MAX_HEADER_LENGTH
                    + " bytes, found " + headerLength);
        }
        if (size >= 0 && headerBytes > size) {
            throw new ModelFileException(source + ": truncated .npy file: the header claims " + headerLength
                    + " bytes, but the file has " + size + " bytes in all");
        }
        byte[] headerText = in.readNBytes((int) headerLength);
        if (headerText.length < headerLength) {
            throw new ModelFileException(source + ": truncated .npy file: the header claims " + headerLength
                    + " bytes, found " + headerText.length);
        }
        String text = new String(headerText, StandardCharsets.ISO_8859_1).strip();
        if (!text.startsWith("{") || !text.endsWith("}")) {
            throw new ModelFileException(source + ": .npy header: expected a dict {'descr': ..., 'fortran_order': ..."
                    + ", 'shape': ...}, found " + quote(text));
        }
        String dtype = unquote(value(DESCR, text, "descr", source));
        if (!Arrays.asList(dtypes).contains(dtype)) {
            String expected = dtypes[0].equals(INT32) ? "'<i4' (int32, little-endian)"
                    : "'<f4' (float32, little-endian)";
            throw new ModelFileException(source + ": .npy dtype: expected " + expected + ", found " + quote(dtype));
        }
        String fortranOrder = value(FORTRAN, text, "fortran_order", source);
        if (!"False".equals(fortranOrder)) {
            throw new ModelFileException(source + ": .npy fortran_order: expected False (C order), found "
                    + quote(fortranOrder));
        }
        long[] shape = parseShape(value(SHAPE, text, "shape", source), source);
        Header header = new Header(major, minor, dtype, shape, headerBytes);
        long count = 1;
        for (long dim : shape) {
            count = multiply(count, dim, shape, source);
        }
        if (count > MAX_ELEMENTS) {
            throw new ModelFileException(source + ": .npy shape " + Arrays.toString(shape) + ": expected at most "
                    + MAX_ELEMENTS + " elements (a Java array), found " + count);
        }
        checkDataLength(header, size, source);
        return header;
    }

    /**
     * Checks, before any data is read, that a stream of {@code size} bytes holds exactly the data the header describes.
     *
     * @param header the header
     * @param size   the whole stream's length in bytes, or -1 when unknown (nothing is checked)
     * @param source the file being read, for messages
     * @throws ModelFileException when the lengths differ
     */
    public static void checkDataLength(Header header, long size, String source) throws ModelFileException {
        if (size >= 0 && size - header.headerBytes() != header.dataBytes()) {
            throw new ModelFileException(source + ": .npy data length: expected " + header.dataBytes()
                    + " bytes for shape " + Arrays.toString(header.shape()) + " of '" + header.dtype() + "', found "
                    + (size - header.headerBytes()));
        }
    }

    /**
     * Reads the data after a header, converting {@code <f8} to float32. The array grows as bytes arrive, so a header
     * that claims more than the stream holds fails at the end of the stream without a large allocation.
     *
     * @param in     the stream, positioned after the header; left at its end
     * @param header the header read by {@link #readHeader}
     * @param size   the stream's whole length when known, or -1 (used only in messages)
     * @param source the file being read, for messages
     * @return the values in C order
     * @throws ModelFileException when the data is shorter or longer than the shape
     * @throws IOException        when reading fails
     */
    public static float[] readData(InputStream in, Header header, long size, String source) throws IOException {
        long count = header.elementCount();
        int itemSize = header.itemSize();
        float[] data = new float[(int) Math.min(count, INITIAL_ELEMENTS)];
        byte[] chunk = new byte[CHUNK_BYTES];
        int filled = 0;
        while (filled < count) {
            int items = (int) Math.min(CHUNK_BYTES / itemSize, count - filled);
            int wanted = items * itemSize;
            int got = in.readNBytes(chunk, 0, wanted);
            if (got < wanted) {
                throw new ModelFileException(source + ": .npy data length: expected " + header.dataBytes()
                        + " bytes for shape " + Arrays.toString(header.shape()) + " of '" + header.dtype()
                        + "', found " + ((long) filled * itemSize + got) + " (truncated)");
            }
            if (filled + items > data.length) {
                long grown = Math.max(2L * data.length, (long) filled + items);
                data = Arrays.copyOf(data, (int) Math.min(count, grown));
            }
            ByteBuffer bytes = ByteBuffer.wrap(chunk, 0, wanted).order(ByteOrder.LITTLE_ENDIAN);
            if (itemSize == 4) {
                bytes.asFloatBuffer().get(data, filled, items);
            } else {
                for (int i = 0; i < items; i++) {
                    data[filled + i] = (float) bytes.getDouble(i * 8);
                }
            }
            filled += items;
        }
        if (in.read() != -1) {
            throw new ModelFileException(source + ": .npy data length: expected " + header.dataBytes()
                    + " bytes for shape " + Arrays.toString(header.shape()) + " of '" + header.dtype()
                    + "', found more" + (size >= 0 ? " (" + (size - header.headerBytes()) + ")" : ""));
        }
        return data;
    }

    private static String value(Pattern pattern, String text, String key, String source) throws ModelFileException {
        Matcher matcher = pattern.matcher(text);
        if (!matcher.find()) {
            throw new ModelFileException(source + ": .npy header: expected the key '" + key + "', found "
                    + quote(text));
        }
        return matcher.group(1).strip();
    }

    private static long[] parseShape(String value, String source) throws ModelFileException {
        if (!value.startsWith("(") || !value.endsWith(")")) {
            throw new ModelFileException(source + ": .npy shape: expected a tuple of integers, found " + quote(value));
        }
        String inner = value.substring(1, value.length() - 1).strip();
        if (inner.isEmpty()) {
            return new long[0];
        }
        if (inner.endsWith(",")) {
            inner = inner.substring(0, inner.length() - 1);
        }
        String[] parts = inner.split(",", -1);
        long[] shape = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].strip();
            if (!DIMENSION.matcher(part).matches()) {
                throw new ModelFileException(source + ": .npy shape: expected a tuple of non-negative integers, found "
                        + quote(value));
            }
            try {
                shape[i] = Long.parseLong(part.endsWith("L") ? part.substring(0, part.length() - 1) : part);
            } catch (NumberFormatException e) {
                throw new ModelFileException(source + ": .npy shape: dimension " + part + " is too large, in "
                        + quote(value), e);
            }
        }
        return shape;
    }

    private static long multiply(long count, long dim, long[] shape, String source) throws ModelFileException {
        try {
            return Math.multiplyExact(count, dim);
        } catch (ArithmeticException e) {
            throw new ModelFileException(source + ": .npy shape " + Arrays.toString(shape) + ": expected at most "
                    + MAX_ELEMENTS + " elements (a Java array), found more than " + Long.MAX_VALUE, e);
        }
    }

    private static String pythonTuple(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            text.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return text.append(')').toString();
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("'") && value.endsWith("'")
                || value.startsWith("\"") && value.endsWith("\""))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    /** Quotes untrusted header text for a one-line message, shortened. */
    private static String quote(String text) {
        String line = text.replaceAll("[\\r\\n\\t]", " ");
        if (line.length() > 120) {
            line = line.substring(0, 120) + "...";
        }
        return "'" + line + "'";
    }

    private static String printable(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            int value = b & 0xFF;
            if (value >= 0x20 && value < 0x7F && value != '\\') {
                text.append((char) value);
            } else {
                text.append(String.format("\\x%02x", value));
            }
        }
        return "'" + text + "'";
    }
}
