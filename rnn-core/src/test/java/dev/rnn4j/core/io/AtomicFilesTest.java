package dev.rnn4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rnn4j.core.testkit.SmallFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path folder;

    @Test
    void writesTheBytesWithTheModeOfAnyOtherFile() throws IOException {
        Path target = folder.resolve("sub").resolve("notes.txt");
        AtomicFiles.writeString(target, "first");
        assertThat(target).hasContent("first");
        Path plain = Files.writeString(folder.resolve("plain.txt"), "x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                .isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)));
        AtomicFiles.writeString(target, "second");
        assertThat(target).hasContent("second");
        assertThat(names(target.getParent())).containsExactly("notes.txt");
    }

    @Test
    void aFailingContentLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path target = folder.resolve("model.zip");
        AtomicFiles.writeString(target, "old");
        IOException own = new ModelFileException("model.zip: a check of the content failed");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw own;
        })).isSameAs(own);
        assertThat(target).hasContent("old");
        assertThat(names(folder)).containsExactly("model.zip");
    }

    @Test
    void aFullDiskNamesTheTargetAndTheCauseAndKeepsTheOldFile() throws Exception {
        try (SmallFileSystem disk = SmallFileSystem.mount(folder.resolve("disk"), 64)) {
            Path target = Path.of(disk.root().toString(), "runs", "model.zip");
            AtomicFiles.writeString(target, "old");
            disk.fill();
            assertThatThrownBy(() -> AtomicFiles.write(target, out -> out.write(new byte[200_000])))
                    .isInstanceOf(FileWriteException.class)
                    .hasMessage("cannot write " + target + ": no space left on device")
                    .satisfies(failure -> assertThat(((FileWriteException) failure).outOfSpace()).isTrue());
            assertThat(target).hasContent("old");
            assertThat(names(target.getParent())).containsExactly("model.zip");
        }
    }

    @Test
    void aReadOnlyFolderNamesTheTarget() throws Exception {
        try (SmallFileSystem disk = SmallFileSystem.mount(folder.resolve("disk"), 64)) {
            Path target = disk.root().resolve("history.csv");
            disk.makeReadOnly();
            assertThatThrownBy(() -> AtomicFiles.writeString(target, "epoch\n"))
                    .isInstanceOf(FileWriteException.class)
                    .hasMessage("cannot write " + target + ": read-only file system");
        }
    }

    @Test
    void aFolderInTheWayIsSaidSo() throws IOException {
        Path target = Files.createDirectories(folder.resolve("model.zip"));
        assertThatThrownBy(() -> AtomicFiles.writeString(target, "x")).isInstanceOf(FileWriteException.class)
                .hasMessage("cannot write " + target + ": a folder of that name is in the way");
    }

    @Test
    void leftoversOfKilledWritersAreRecognisedAndRemoved() throws IOException {
        for (String name : new String[] {AtomicFiles.temporaryName("model.zip"), "model.zip.123456789.tmp",
            ".history.csv4711.tmp", ".model.png.2rvaje2zlvg8t.part", "keep.txt", "model.zip", "run.json"}) {
            Files.writeString(folder.resolve(name), "x");
        }
        assertThat(AtomicFiles.isLeftover("checkpoint-2.zip")).isFalse();
        assertThat(AtomicFiles.removeLeftovers(folder)).isEqualTo(4);
        assertThat(names(folder)).containsExactlyInAnyOrder("keep.txt", "model.zip", "run.json");
    }

    private static java.util.List<String> names(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
