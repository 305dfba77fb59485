package dev.rnn4j.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads the documents the applications take: UTF-8 text, refused with one line when a file is not text. */
public final class TextFiles {
    /** Bytes looked at for a NUL, the mark of a binary file (as git and grep decide). */
    private static final int SNIFF = 8000;

    private TextFiles() {
    }

    /**
     * @param file   a file
     * @param option the option that named it, for messages
     * @return its text
     * @throws IllegalArgumentException when it is not UTF-8 text (binary, or invalid UTF-8), naming the file and where
     * @throws IOException              when reading fails
     */
    public static String read(Path file, String option) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int nul = firstNul(bytes);
        if (nul >= 0) {
            throw new IllegalArgumentException(option + " " + file + ": expected UTF-8 text, found a binary file"
                    + " (a NUL byte at offset " + nul + ")");
        }
        try {
            String text = strictUtf8().decode(ByteBuffer.wrap(bytes)).toString();
            // A byte-order mark is not part of the text.
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException invalid) {
            throw new IllegalArgumentException(option + " " + file + ": expected UTF-8 text, found bytes that are not"
                    + " UTF-8 near offset " + firstInvalid(bytes) + " (convert it, e.g. iconv -f latin1 -t utf-8)");
        }
    }

    /**
     * Reads a document leniently, as mail needs: bytes that are not UTF-8 (a Latin-1 message) become U+FFFD; a file
     * with a NUL byte is refused as binary.
     *
     * @param file   a document
     * @param option the option that named its folder, for messages
     * @return its text
     * @throws IllegalArgumentException when it is binary
     * @throws IOException              when reading fails
     */
    public static String readLenient(Path file, String option) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int nul = firstNul(bytes);
        if (nul >= 0) {
            throw new IllegalArgumentException(option + ": " + file + ": expected a text document, found a binary"
                    + " file (a NUL byte at offset " + nul + "); remove it from the folder");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * @param path   a file, or a folder whose files (all levels, hidden ones skipped) are read in path order
     * @param option the option that named it, for messages
     * @return the files, in order
     * @throws IOException when the path does not exist or a folder holds no file
     */
    public static List<Path> list(Path path, String option) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "given to " + option);
        }
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(path)) {
            walk.filter(Files::isRegularFile).filter(file -> !isHidden(path, file)).sorted().forEach(files::add);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(option + " " + path + ": expected text files in the folder, found none");
        }
        return files;
    }

    private static boolean isHidden(Path root, Path file) {
        for (Path part : root.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** @return the offset of the first NUL among the first {@link #SNIFF} bytes, or -1 */
    private static int firstNul(byte[] bytes) {
        for (int i = 0; i < Math.min(bytes.length, SNIFF); i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static CharsetDecoder strictUtf8() {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    private static int firstInvalid(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        strictUtf8().decode(in, java.nio.CharBuffer.allocate(bytes.length + 1), true);
        return in.position();
    }
}
