package dev.rnn4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {
    @TempDir
    Path runs;

    @Test
    void aSecondHolderIsRefusedAtOnceNamingTheFirstsPid() throws IOException {
        Path folder = runs.resolve("a/b");
        try (RunFolder held = RunFolder.lock(folder)) {
            assertThat(folder.resolve(RunFolder.LOCK_FILE)).hasContent(Long.toString(ProcessHandle.current().pid()));
            assertThatThrownBy(() -> RunFolder.lock(folder)).isInstanceOf(RunFolder.LockedException.class)
                    .hasMessage(folder + " is in use by another run (process " + ProcessHandle.current().pid() + ")");
        }
        try (RunFolder again = RunFolder.lock(folder)) {
            assertThat(again.path()).isEqualTo(folder);
        }
    }

    @Test
    void anotherProcessHoldingTheLockIsNamed() throws Exception {
        Path folder = Files.createDirectories(runs.resolve("run"));
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Holder.class.getName(), folder.toString())
                .redirectErrorStream(true).start();
        try {
            byte[] ready = holder.getInputStream().readNBytes(6);
            assertThat(new String(ready, StandardCharsets.US_ASCII)).isEqualTo("locked");
            assertThatThrownBy(() -> RunFolder.lock(folder)).isInstanceOf(RunFolder.LockedException.class)
                    .satisfies(locked -> assertThat(((RunFolder.LockedException) locked).holder())
                            .isEqualTo(holder.pid()));
            holder.destroyForcibly();
            assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
            try (RunFolder after = RunFolder.lock(folder)) {
                assertThat(after.entries()).isEmpty();
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void entriesLeaveOutTheLockAndLeftoversWhichTheHolderRemoves() throws IOException {
        Path folder = Files.createDirectories(runs.resolve("run"));
        Files.createDirectories(folder.resolve("checkpoints"));
        Files.writeString(folder.resolve("model.zip"), "m");
        Files.writeString(folder.resolve(AtomicFiles.temporaryName("model.zip")), "half");
        Files.writeString(folder.resolve("checkpoints").resolve("checkpoint-1.zip.8723468.tmp"), "half");
        Files.writeString(folder.resolve("checkpoints").resolve("checkpoint-1.zip"), "c");
        try (RunFolder held = RunFolder.lock(folder)) {
            assertThat(held.entries()).containsExactly("checkpoints", "model.zip");
            assertThat(held.removeLeftovers("checkpoints")).isEqualTo(2);
            assertThat(RunFolder.entries(folder.resolve("checkpoints"))).containsExactly("checkpoint-1.zip");
            held.clear(held.entries());
            assertThat(held.entries()).isEmpty();
        }
        assertThat(RunFolder.entries(runs.resolve("missing"))).isEmpty();
    }

    @Test
    void aFileWhereTheFolderShouldBeIsAWriteFailureNamingIt() throws IOException {
        Path file = Files.writeString(runs.resolve("taken"), "x");
        assertThatThrownBy(() -> RunFolder.lock(file)).isInstanceOf(FileWriteException.class)
                .hasMessageStartingWith("cannot write " + file + ": ");
        assertThat(file).hasContent("x");
    }

    /** Holds a run folder's lock until killed. */
    static final class Holder {
        public static void main(String[] args) throws Exception {
            try (RunFolder held = RunFolder.lock(Path.of(args[0]))) {
                System.out.print("locked");
                System.out.flush();
                Thread.sleep(60_000);
            }
        }
    }
}
