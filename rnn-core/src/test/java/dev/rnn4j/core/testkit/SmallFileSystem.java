package dev.rnn4j.core.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real file system that fills up or refuses writes, for tests of what a writer does when the disk is full or
 * read-only: a tmpfs of a few pages mounted on a folder (Linux, as root, where the sandbox allows mounts). Where it
 * cannot be mounted the test is skipped (an assumption), never passed.
 */
public final class SmallFileSystem implements AutoCloseable {
    private final Path mountPoint;

    private SmallFileSystem(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /**
     * @param mountPoint an empty folder to mount it on
     * @param kib        its size in KiB (rounded up to pages)
     * @return the mounted file system
     */
    public static SmallFileSystem mount(Path mountPoint, int kib) throws IOException, InterruptedException {
        Files.createDirectories(mountPoint);
        String failure = run("mount", "-t", "tmpfs", "-o", "size=" + kib + "k,mode=0777", "tmpfs",
                mountPoint.toString());
        assumeTrue(failure == null, "cannot mount a tmpfs here: " + failure);
        return new SmallFileSystem(mountPoint);
    }

    /** @return the folder it is mounted on */
    public Path root() {
        return mountPoint;
    }

    /** Makes it read-only: every write from now on fails with EROFS. */
    public void makeReadOnly() throws IOException, InterruptedException {
        String failure = run("mount", "-o", "remount,ro", mountPoint.toString());
        if (failure != null) {
            throw new IOException("cannot remount " + mountPoint + " read-only: " + failure);
        }
    }

    /** Fills what room is left with one file, {@code filler}, and returns it. */
    public Path fill() throws IOException {
        Path filler = mountPoint.resolve("filler");
        byte[] block = new byte[4096];
        try (var out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
        return filler;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        String failure = run("umount", mountPoint.toString());
        if (failure != null) {
            throw new IOException("cannot unmount " + mountPoint + ": " + failure);
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        } catch (IOException notThere) {
            return notThere.getMessage();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return String.join(" ", command) + " did not finish";
        }
        return process.exitValue() == 0 ? null : output + " (exit " + process.exitValue() + ")";
    }
}
