package dev.rnn4j.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checksums written {@code md5:HEX} or {@code sha256:HEX}, and the tree checksum of a folder: the SHA-256 of the lines
 * {@code <sha256 of file>  <relative path>\n} sorted bytewise by path, which is what
 * {@code find . -type f | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum} prints.
 */
final class Checksums {

    static final String MD5 = "md5";
    static final String SHA256 = "sha256";

    /** Paths in the order of {@code LC_ALL=C sort}: by their UTF-8 bytes, unsigned. */
    static final Comparator<String> BYTEWISE = (first, second) -> Arrays.compareUnsigned(
            first.getBytes(StandardCharsets.UTF_8), second.getBytes(StandardCharsets.UTF_8));

    private static final Pattern FORM = Pattern.compile("(md5:[0-9a-f]{32}|sha256:[0-9a-f]{64})");
    private static final int BUFFER_SIZE = 1 << 16;

    private Checksums() {
    }

    /**
     * @param checksum {@code md5:HEX} or {@code sha256:HEX}, hex digits in either case
     * @param what     what it is the checksum of, for the message
     * @return the checksum with lower-case hex digits
     * @throws IllegalArgumentException if it has neither form
     */
    static String checked(String checksum, String what) {
        String lower = checksum == null ? null : checksum.strip().toLowerCase(Locale.ROOT);
        if (lower == null || !FORM.matcher(lower).matches()) {
            throw new IllegalArgumentException("checksum of " + what + " must be md5:<32 hex digits> or"
                    + " sha256:<64 hex digits>, got " + checksum);
        }
        return lower;
    }

    /** @return {@code md5} or {@code sha256}: the algorithm of a checksum, or the algorithm given alone */
    static String algorithm(String checksum) {
        int colon = checksum.indexOf(':');
        return colon < 0 ? checksum : checksum.substring(0, colon);
    }

    /** @return the hex digits of a checksum */
    static String hex(String checksum) {
        return checksum.substring(checksum.indexOf(':') + 1);
    }

    /** @return {@code MD5} or {@code SHA-256}, for messages */
    static String displayName(String checksum) {
        return algorithm(checksum).equals(MD5) ? "MD5" : "SHA-256";
    }

    /** @return a new digest of the algorithm of {@code checksum} (a checksum, or an algorithm alone) */
    static MessageDigest newDigest(String checksum) {
        String name = displayName(checksum);
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException exception) {
            throw new IllegalStateException("every Java platform must support " + name, exception);
        }
    }

    /** @return the digest's value as a checksum; {@code algorithm} is a checksum or an algorithm alone */
    static String value(String algorithm, MessageDigest digest) {
        return algorithm(algorithm) + ":" + HexFormat.of().formatHex(digest.digest());
    }

    /** @return the checksum of a file's bytes; {@code algorithm} is a checksum or an algorithm alone */
    static String ofFile(Path file, String algorithm) throws IOException {
        MessageDigest digest = newDigest(algorithm);
        try (InputStream in = Files.newInputStream(file)) {
            copy(in, OutputStream.nullOutputStream(), digest);
        }
        return value(algorithm, digest);
    }

    /**
     * @param sha256ByPath each file's SHA-256 hex digits by its path relative to the folder, {@code /}-separated
     * @return {@code sha256:HEX} of the folder
     */
    static String tree(Map<String, String> sha256ByPath) {
        MessageDigest digest = newDigest(SHA256);
        sha256ByPath.entrySet().stream().sorted(Map.Entry.comparingByKey(BYTEWISE)).forEach(file ->
                digest.update((file.getValue() + "  " + file.getKey() + "\n").getBytes(StandardCharsets.UTF_8)));
        return value(SHA256, digest);
    }

    /** Copies a stream, feeding the digest, and returns the number of bytes; does not close either stream. */
    static long copy(InputStream in, OutputStream out, MessageDigest digest) throws IOException {
        byte[] buffer = new byte[BUFFER_SIZE];
        long total = 0;
        int read;
        while ((read = in.read(buffer)) >= 0) {
            digest.update(buffer, 0, read);
            out.write(buffer, 0, read);
            total += read;
        }
        return total;
    }
}
