package dev.rnn4j.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/** Recognises gzip data by its magic bytes ({@code 1f 8b}), never by a file name. */
public final class Gzip {

    /** Buffer size for reading and decompressing: large enough for bulk reads of big files. */
    public static final int BUFFER_SIZE = 1 << 16;

    private static final int MAGIC_FIRST = 0x1f;
    private static final int MAGIC_SECOND = 0x8b;

    private Gzip() {
    }

    /**
     * Tells whether the next bytes of a stream are the gzip magic bytes, without consuming them.
     *
     * @param in a stream that supports mark and reset
     * @return whether the stream starts with {@code 1f 8b}
     * @throws IOException if reading fails
     */
    public static boolean startsWithGzipMagic(BufferedInputStream in) throws IOException {
        Objects.requireNonNull(in, "in");
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == MAGIC_FIRST && second == MAGIC_SECOND;
    }

    /**
     * Wraps a stream so that it yields the decompressed bytes if it holds gzip data and the bytes as
     * they are otherwise; the result is buffered either way.
     *
     * @param in the stream; closing the result closes it
     * @return the possibly decompressed stream
     * @throws IOException if reading the magic bytes or the gzip header fails
     */
    public static InputStream decompressIfGzip(InputStream in) throws IOException {
        BufferedInputStream buffered = in instanceof BufferedInputStream bufferedIn
                ? bufferedIn
                : new BufferedInputStream(Objects.requireNonNull(in, "in"), BUFFER_SIZE);
        if (!startsWithGzipMagic(buffered)) {
            return buffered;
        }
        return new BufferedInputStream(new GZIPInputStream(buffered, BUFFER_SIZE), BUFFER_SIZE);
    }
}
