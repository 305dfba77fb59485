package dev.rnn4j.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class ChecksumsTest {

    @TempDir
    Path temp;

    @Test
    @EnabledOnOs(OS.LINUX)
    void treeChecksumIsWhatTheShellPipelinePrints() throws Exception {
        Map<String, String> files = Map.of("b.txt", "bee\n", "a.txt", "ay\n", "sub/c.txt", "sea\n", "B.txt", "Bee\n",
                "a-b.txt", "dash\n", "sub/\u00e9t\u00e9.txt", "summer\n");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.createDirectories(temp.resolve(file.getKey()).getParent());
            Files.writeString(temp.resolve(file.getKey()), file.getValue());
        }
        Map<String, String> sha256ByPath = new HashMap<>();
        files.forEach((path, text) -> sha256ByPath.put(path,
                TestData.hex("SHA-256", text.getBytes(StandardCharsets.UTF_8))));

        assertThat(Checksums.tree(sha256ByPath)).isEqualTo("sha256:" + shellTreeChecksum(temp));
    }

    /** The definition in {@link Checksums}, run by the shell. */
    private static String shellTreeChecksum(Path folder) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("sh", "-c",
                "find . -type f -name '*.txt' | sed 's|^\\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum")
                .directory(folder.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        return output.substring(0, 64);
    }

    @Test
    void acceptsMd5AndSha256InEitherCaseOnly() {
        assertThat(Checksums.checked("MD5:6BBC9ACE898E44AE57DA46A324031ADB", "x"))
                .isEqualTo("md5:6bbc9ace898e44ae57da46a324031adb");
        assertThat(Checksums.displayName("sha256:" + "0".repeat(64))).isEqualTo("SHA-256");
        assertThatThrownBy(() -> Checksums.checked("sha1:" + "0".repeat(40), "x.txt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checksum of x.txt must be md5:<32 hex digits> or sha256:<64 hex digits>, got sha1:"
                        + "0".repeat(40));
        assertThatThrownBy(() -> Checksums.checked("md5:1234", "x.txt")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dataSetsRejectDuplicateAndUnsafeNames() {
        DataFile book = TestData.TINY.file("book.txt");
        assertThatThrownBy(() -> new DataSet("two", "Two", null, null, List.of(book, book)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data set two has two files named book.txt");
        assertThatThrownBy(() -> DataFile.file("../x", "data/x", 1, TestData.md5(new byte[1])))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DataFile.file("x", "data/../../x", 1, TestData.md5(new byte[1])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tarball path of x must be a relative path inside the tarball, got data/../../x");
        assertThatThrownBy(() -> DataFile.folder("f", "data/f", ".txt", 1, TestData.sha256(new byte[1])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tarball prefix of f must end with /, got data/f");
    }
}
