package dev.rnn4j.core.data;

import dev.rnn4j.core.io.IoErrors;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * A file of records ({@link RecordFileWriter} writes it), read by record number with positional reads into small
 * buffers of each {@link Reader}: nothing of the file is mapped or held in memory, so a file many times the heap reads
 * with a steady, small resident size. Thread-safe: each thread takes a {@link #reader()} of its own.
 *
 * <p>The layout, little-endian throughout:
 * <pre>
 * header   32 bytes: magic "RNN4JREC", int32 version (1), int32 input kind (0 vectors, 1 ids), int32 features,
 *                    int32 target kind (0 none, 1 vector, 2 sequence, 3 sequence ids), int32 target size, int32 0
 * records  per record: int32 timesteps t, float32[t * features] input, float32[...] target (by the target kind:
 *                    targetSize, t * targetSize, or t)
 * index    per record: int64 offset of the record, int32 its timesteps
 * trailer  24 bytes: int64 record count, int64 offset of the index, magic "RNN4JEND"
 * </pre>
 * The count and the index come last so that a writer streams records without knowing their number; the end magic
 * tells a finished file from one cut short.
 */
public final class RecordFile implements RecordSet, Closeable {
    /** The version this rnn4j writes and reads. */
    public static final int VERSION = 1;
    static final byte[] MAGIC = "RNN4JREC".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END = "RNN4JEND".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER_BYTES = 32;
    static final int TRAILER_BYTES = 24;
    static final int INDEX_ENTRY_BYTES = 12;
    /** Index entries a reader loads at once when it reads records in file order. */
    private static final int INDEX_WINDOW = 512;
    private static final int FIRST_BUFFER_BYTES = 1 << 16;

    private final Path path;
    private final FileChannel channel;
    private final RecordFormat format;
    private final int size;
    private final long indexOffset;

    private RecordFile(Path path, FileChannel channel, RecordFormat format, int size, long indexOffset) {
        this.path = path;
        this.channel = channel;
        this.format = format;
        this.size = size;
        this.indexOffset = indexOffset;
    }

    /**
     * Opens a record file and checks its header and trailer.
     *
     * @param path the file
     * @return the open file; close it when done
     * @throws RecordFileException when it is not a complete record file of a version this rnn4j reads
     * @throws IOException         when it cannot be opened or read
     */
    public static RecordFile open(Path path) throws IOException {
        Objects.requireNonNull(path, "path is null");
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return check(path, channel);
        } catch (IOException | RuntimeException failure) {
            channel.close();
            throw failure;
        }
    }

    private static RecordFile check(Path path, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int read = readFully(channel, header, 0);
        byte[] magic = new byte[MAGIC.length];
        header.get(0, magic);
        if (read < MAGIC.length || !java.util.Arrays.equals(magic, MAGIC)) {
            throw new RecordFileException(path + ": not an rnn4j record file: expected the magic bytes \"RNN4JREC\","
                    + " found " + bytes(magic, Math.min(read, MAGIC.length)));
        }
        if (fileSize < HEADER_BYTES + TRAILER_BYTES) {
            throw new RecordFileException(path + ": truncated: expected at least " + (HEADER_BYTES + TRAILER_BYTES)
                    + " bytes (a " + HEADER_BYTES + "-byte header and a " + TRAILER_BYTES + "-byte trailer), found "
                    + fileSize);
        }
        int version = header.getInt(8);
        if (version != VERSION) {
            throw new RecordFileException(path + ": expected record file version " + VERSION + ", found " + version
                    + (version > VERSION ? " (written by a newer rnn4j)" : ""));
        }
        RecordFormat format = format(path, header);
        ByteBuffer trailer = ByteBuffer.allocate(TRAILER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, trailer, fileSize - TRAILER_BYTES);
        byte[] end = new byte[END.length];
        trailer.get(16, end);
        if (!java.util.Arrays.equals(end, END)) {
            throw new RecordFileException(path + ": truncated or not finished: expected the end magic \"RNN4JEND\" in"
                    + " the last 8 bytes, found " + bytes(end, end.length));
        }
        long count = trailer.getLong(0);
        long indexOffset = trailer.getLong(8);
        if (count < 0 || count > Integer.MAX_VALUE) {
            throw new RecordFileException(path + ": expected a record count in [0, " + Integer.MAX_VALUE
                    + "], found " + count);
        }
        long expectedSize = indexOffset + count * INDEX_ENTRY_BYTES + TRAILER_BYTES;
        if (indexOffset < HEADER_BYTES || expectedSize != fileSize) {
            throw new RecordFileException(path + ": expected " + count + " index entries of " + INDEX_ENTRY_BYTES
                    + " bytes from byte " + indexOffset + " and the trailer, " + expectedSize + " bytes in all, found "
                    + fileSize + " bytes");
        }
        return new RecordFile(path, channel, format, (int) count, indexOffset);
    }

    private static RecordFormat format(Path path, ByteBuffer header) throws RecordFileException {
        int inputKind = header.getInt(12);
        int features = header.getInt(16);
        int targetKind = header.getInt(20);
        int targetSize = header.getInt(24);
        RecordFormat.Input[] inputs = RecordFormat.Input.values();
        RecordFormat.Target[] targets = RecordFormat.Target.values();
        if (inputKind < 0 || inputKind >= inputs.length) {
            throw new RecordFileException(path + ": expected input kind 0 (vectors) or 1 (ids), found " + inputKind);
        }
        if (targetKind < 0 || targetKind >= targets.length) {
            throw new RecordFileException(path + ": expected target kind 0 (none), 1 (vector), 2 (sequence) or 3"
                    + " (sequence ids), found " + targetKind);
        }
        try {
            return new RecordFormat(inputs[inputKind], features, targets[targetKind], targetSize);
        } catch (IllegalArgumentException bad) {
            throw new RecordFileException(path + ": " + bad.getMessage(), bad);
        }
    }

    /** @return the file as it was opened */
    public Path path() {
        return path;
    }

    @Override
    public RecordFormat format() {
        return format;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public Reader reader() {
        return new Reader();
    }

    /** Closes the file; readers fail after this. */
    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "RecordFile[" + path + ", " + size + " records, " + format + "]";
    }

    /** Reads records of this file by number into buffers of its own; not thread-safe. */
    public final class Reader implements RecordSet.Reader {
        private final ByteBuffer index = ByteBuffer.allocateDirect(INDEX_WINDOW * INDEX_ENTRY_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        private ByteBuffer record = ByteBuffer.allocateDirect(FIRST_BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        private int windowFirst = 0;
        private int windowCount = 0;
        private long offset;
        private int length;

        private Reader() {
        }

        @Override
        public int length(int number) throws IOException {
            try {
                entry(number);
            } catch (RecordFileException bad) {
                throw bad;
            } catch (IOException failure) {
                throw named(number, failure);
            }
            return length;
        }

        @Override
        public SequenceRecord read(int number) throws IOException {
            try {
                return readRecord(number);
            } catch (RecordFileException bad) {
                throw bad;
            } catch (IOException failure) {
                throw named(number, failure);
            }
        }

        /** @return the failure of the file system with the file and record in its message */
        private IOException named(int number, IOException failure) {
            return new IOException(IoErrors.describe("cannot read", path + ", record " + number, failure), failure);
        }

        private SequenceRecord readRecord(int number) throws IOException {
            entry(number);
            long bytes = recordBytes(length);
            if (offset < HEADER_BYTES || offset + bytes > indexOffset) {
                throw new RecordFileException(path + ": record " + number + ": the index gives " + length
                        + " timesteps at byte " + offset + ", expected them within the records' bytes "
                        + HEADER_BYTES + " to " + indexOffset);
            }
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new RecordFileException(path + ": record " + number + ": expected at most "
                        + (Integer.MAX_VALUE - 8) + " bytes in one record, found " + bytes);
            }
            ByteBuffer buffer = buffer((int) bytes);
            int read = readFully(channel, buffer, offset);
            if (read < bytes) {
                throw new RecordFileException(path + ": truncated: record " + number + " needs " + bytes
                        + " bytes from byte " + offset + ", found " + read);
            }
            int stored = buffer.getInt(0);
            if (stored != length) {
                throw new RecordFileException(path + ": record " + number + ": expected " + length
                        + " timesteps (the index's), found " + stored + " at byte " + offset);
            }
            float[] input = new float[(int) format.inputValues(length)];
            buffer.position(4);
            buffer.asFloatBuffer().get(input);
            float[] target = null;
            if (format.target() != RecordFormat.Target.NONE) {
                target = new float[(int) format.targetValues(length)];
                buffer.position(4 + 4 * input.length);
                buffer.asFloatBuffer().get(target);
            }
            return new SequenceRecord(length, input, target);
        }

        @Override
        public void close() {
            windowCount = 0;
        }

        /** Sets {@link #offset} and {@link #length} from the index entry of record {@code number}. */
        private void entry(int number) throws IOException {
            if (number < 0 || number >= size) {
                throw new IndexOutOfBoundsException(path + ": record " + number + ": expected 0 to " + (size - 1));
            }
            if (number < windowFirst || number >= windowFirst + windowCount) {
                // Reading in file order loads a window of entries; a jump elsewhere reads just the one entry.
                boolean sequential = number == windowFirst + windowCount;
                int count = sequential ? Math.min(INDEX_WINDOW, size - number) : 1;
                index.clear().limit(count * INDEX_ENTRY_BYTES);
                long at = indexOffset + (long) number * INDEX_ENTRY_BYTES;
                int read = readFully(channel, index, at);
                if (read < count * INDEX_ENTRY_BYTES) {
                    throw new RecordFileException(path + ": truncated: the index entry of record " + number
                            + " at byte " + at + " is cut short");
                }
                windowFirst = number;
                windowCount = count;
            }
            int at = (number - windowFirst) * INDEX_ENTRY_BYTES;
            offset = index.getLong(at);
            length = index.getInt(at + 8);
            if (length < 1) {
                throw new RecordFileException(path + ": record " + number + ": expected at least 1 timestep, found "
                        + length + " in the index");
            }
        }

        private long recordBytes(int timesteps) {
            return 4 + 4 * (format.inputValues(timesteps) + format.targetValues(timesteps));
        }

        private ByteBuffer buffer(int bytes) {
            if (record.capacity() < bytes) {
                // Grows to the largest record read, then stays: one buffer per reader.
                record = ByteBuffer.allocateDirect(Math.max(bytes, Math.min(2 * record.capacity(),
                        Integer.MAX_VALUE - 8))).order(ByteOrder.LITTLE_ENDIAN);
            }
            return record.clear().limit(bytes);
        }
    }

    /** @return the bytes read into {@code buffer} from {@code position} up to its limit, fewer at the end of file */
    static int readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        int start = buffer.position();
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position + buffer.position() - start);
            if (read < 0) {
                break;
            }
        }
        return buffer.position() - start;
    }

    /** @return the bytes as text for a message: printable ASCII as it is, anything else as {@code \xNN} */
    private static String bytes(byte[] bytes, int count) {
        StringBuilder text = new StringBuilder("\"");
        for (int i = 0; i < count; i++) {
            int b = bytes[i] & 0xFF;
            if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\') {
                text.append((char) b);
            } else {
                text.append(String.format("\\x%02x", b));
            }
        }
        return text.append(count == 0 ? "\" (an empty file)" : "\"").toString();
    }
}
