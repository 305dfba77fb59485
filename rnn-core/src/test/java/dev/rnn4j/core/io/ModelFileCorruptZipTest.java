package dev.rnn4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rnn4j.core.TestSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corrupt zips the fuzzing ({@link ModelFileFuzzTest}) found escaping as other exceptions or as messages of more
 * than one line, kept as fixed cases.
 */
class ModelFileCorruptZipTest {
    @TempDir
    Path folder;

    private Path good;

    @BeforeEach
    void saveAGoodModel() throws IOException {
        good = folder.resolve("good.zip");
        ModelFile.save(ModelFileTest.smallModel(5), good);
    }

    private static void assertOneLineModelFileException(Path file) {
        assertThatThrownBy(() -> ModelFile.load(file, TestSupport.BACKEND))
                .isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(file.toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    /** Java's ZipFile threw a bare EOFException (no file name) for an END record whose comment length is wrong. */
    @Test
    void aWrongCommentLengthInTheEndRecord() throws IOException {
        byte[] bytes = Files.readAllBytes(good);
        bytes[bytes.length - 1] = 1; // the comment length's high byte: 256 bytes of comment that are not there
        Path bad = Files.write(folder.resolve("bad.zip"), bytes);
        assertOneLineModelFileException(bad);
    }

    /** Java's ZipFile threw IllegalArgumentException ("malformed input") for an entry comment that is not UTF-8. */
    @Test
    void anEntryCommentThatIsNotUtf8() throws IOException {
        Path bad = folder.resolve("bad.zip");
        try (ZipFile zip = new ZipFile(good.toFile()); OutputStream out = Files.newOutputStream(bad);
                ZipOutputStream copy = new ZipOutputStream(out)) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                copy.putNextEntry(new ZipEntry(entry.getName()));
                try (InputStream in = zip.getInputStream(entry)) {
                    in.transferTo(copy);
                }
                copy.closeEntry();
            }
            ZipEntry notes = new ZipEntry("notes.txt");
            notes.setComment("QQQQ");
            copy.putNextEntry(notes);
            copy.write("notes".getBytes(StandardCharsets.UTF_8));
            copy.closeEntry();
        }
        byte[] bytes = Files.readAllBytes(bad);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int comment = text.lastIndexOf("QQQQ");
        for (int i = comment; i < comment + 4; i++) {
            bytes[i] = (byte) 0xFF;
        }
        Files.write(bad, bytes);
        assertOneLineModelFileException(bad);
    }

    /** An entry name with a line break made the message that lists the entries two lines. */
    @Test
    void anEntryNameWithALineBreak() throws IOException {
        Path bad = folder.resolve("bad.zip");
        try (OutputStream out = Files.newOutputStream(bad); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("config\n.json"));
            zip.write("{}".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        assertOneLineModelFileException(bad);
        assertThatThrownBy(() -> ModelFile.load(bad, TestSupport.BACKEND)).hasMessageContaining("config\\n.json");
    }

    /**
     * A forged {@code units} would make the model allocate its weights (off the Java heap, where no -Xmx stops it)
     * before any weight entry is read; the loader refuses a config whose layers need more than the file can hold.
     */
    @Test
    void layersLargerThanTheFileCanHold() throws IOException {
        Path bad = folder.resolve("bad.zip");
        try (ZipFile zip = new ZipFile(good.toFile()); OutputStream out = Files.newOutputStream(bad);
                ZipOutputStream copy = new ZipOutputStream(out)) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                copy.putNextEntry(new ZipEntry(entry.getName()));
                try (InputStream in = zip.getInputStream(entry)) {
                    byte[] content = in.readAllBytes();
                    if (entry.getName().equals(ModelFile.CONFIG_ENTRY)) {
                        content = new String(content, StandardCharsets.UTF_8)
                                .replace("\"units\": 8", "\"units\": 1000000").getBytes(StandardCharsets.UTF_8);
                    }
                    copy.write(content);
                }
                copy.closeEntry();
            }
        }
        assertOneLineModelFileException(bad);
        assertThatThrownBy(() -> ModelFile.load(bad, TestSupport.BACKEND))
                .hasMessageContaining("entry config.json: the layers declare 1000008000003 float32 parameters, more"
                        + " than a file of");
    }
}
