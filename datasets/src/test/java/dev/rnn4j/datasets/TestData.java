package dev.rnn4j.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** A tiny data set, its tarball laid out like an npm package's, and a script that stands in for npm. */
final class TestData {

    static final String PACKAGE = "tiny-data@1.0.0";
    static final byte[] BOOK = "Call me Ishmael. Some years ago...\n".repeat(40).getBytes(StandardCharsets.UTF_8);
    static final byte[] TABLE = "year,births\n1969,8486\n1970,9002\n".getBytes(StandardCharsets.UTF_8);
    /** The ham folder's files by their paths in it; one is in a subfolder. */
    static final Map<String, byte[]> HAM = files("00001.a1.txt", "Subject: lunch?\n", "00002.b2.txt",
            "Subject: minutes\n", "sub/00003.c3.txt", "Subject: nested\n");
    static final Map<String, byte[]> SPAM = files("00001.x1.txt", "Subject: WIN!!!\n", "00002.y2.txt",
            "Subject: cheap pills\n");

    static final DataSet TINY = new DataSet("tiny", "Tiny", PACKAGE, "TINY_DIR", List.of(
            DataFile.file("book.txt", "book/data/data.txt", BOOK.length, sha256(BOOK)),
            DataFile.file("table.csv", "table/data/data.csv", DataFile.UNKNOWN_SIZE, md5(TABLE)),
            DataFile.folder("ham", "mails/data/ham/", ".txt", HAM.size(), tree(HAM)),
            DataFile.folder("spam", "mails/data/spam/", ".txt", SPAM.size(), tree(SPAM))));

    private TestData() {
    }

    private static Map<String, byte[]> files(String... pathsAndTexts) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int index = 0; index < pathsAndTexts.length; index += 2) {
            files.put(pathsAndTexts[index], pathsAndTexts[index + 1].getBytes(StandardCharsets.UTF_8));
        }
        return files;
    }

    /**
     * The tarball's entries: unrelated files, the book raw, the table gzip-compressed, and the two mail folders
     * interleaved, each mail with a {@code .json} sibling that must be left out.
     */
    static Map<String, byte[]> entries() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package/package.json", "{\"name\":\"tiny-data\"}".getBytes(StandardCharsets.UTF_8));
        entries.put("package/book/test/data/data.txt", new byte[] {1, 2, 3}); // not book/data/
        entries.put("package/book/data/data.txt", BOOK);
        entries.put("package/table/data/data.csv.gz", gzip(TABLE));
        List<String> ham = new ArrayList<>(HAM.keySet());
        List<String> spam = new ArrayList<>(SPAM.keySet());
        for (int index = 0; index < Math.max(ham.size(), spam.size()); index++) {
            if (index < ham.size()) {
                entries.put("package/mails/data/ham/" + ham.get(index), HAM.get(ham.get(index)));
                entries.put("package/mails/data/ham/" + ham.get(index).replace(".txt", ".json"), new byte[] {'{'});
            }
            if (index < spam.size()) {
                entries.put("package/mails/data/spam/" + spam.get(index), SPAM.get(spam.get(index)));
            }
        }
        return entries;
    }

    /** Writes a gzip-compressed tarball with these entries, in order. */
    static Path tarball(Path tarball, Map<String, byte[]> entries) throws IOException {
        try (OutputStream file = Files.newOutputStream(tarball);
                GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(file);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                TarArchiveEntry tarEntry = new TarArchiveEntry(entry.getKey());
                tarEntry.setSize(entry.getValue().length);
                tar.putArchiveEntry(tarEntry);
                tar.write(entry.getValue());
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        return tarball;
    }

    /**
     * Writes a shell script that stands in for npm: it checks its arguments, counts its runs in {@code runs} and
     * copies {@code tarball} to the current folder as {@code npm pack} does.
     */
    static Path fakeNpm(Path script, Path tarball, Path runs) throws IOException {
        return script(script, """
                echo run >> '%s'
                [ "$1 $2 $3" = "pack %s --silent" ] || { echo "unexpected arguments: $*" >&2; exit 3; }
                cp '%s' tiny-data-1.0.0.tgz
                echo tiny-data-1.0.0.tgz
                """.formatted(runs, PACKAGE, tarball));
    }

    static Path script(Path script, String body) throws IOException {
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    static String sha256(byte[] content) {
        return "sha256:" + hex("SHA-256", content);
    }

    static String md5(byte[] content) {
        return "md5:" + hex("MD5", content);
    }

    /** The tree checksum as its definition reads: SHA-256 of {@code <sha256>  <path>\n} lines sorted by path. */
    static String tree(Map<String, byte[]> files) {
        StringBuilder lines = new StringBuilder();
        new TreeMap<>(files).forEach((path, content) -> lines.append(hex("SHA-256", content)).append("  ")
                .append(path).append('\n'));
        return sha256(lines.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String hex(String algorithm, byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
        } catch (NoSuchAlgorithmException exception) {
            throw new IllegalStateException(exception);
        }
    }

    static byte[] gzip(byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        } catch (IOException exception) {
            throw new UncheckedIOException(exception);
        }
        return bytes.toByteArray();
    }
}
