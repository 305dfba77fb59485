package dev.rnn4j.datasets;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs {@code npm pack PACKAGE --silent}, which downloads a package's tarball into the current folder. */
final class NpmPack {

    private static final int STDERR_TAIL_CHARS = 1000;

    private NpmPack() {
    }

    /**
     * @param npmCommand the npm executable
     * @param npmPackage the package spec
     * @param workDir    an empty folder to run in
     * @param timeout    how long npm may take
     * @return the tarball npm wrote
     * @throws DataFetchException if npm cannot be run, fails, times out or writes no tarball
     * @throws InterruptedIOException if the thread is interrupted while npm runs
     */
    static Path run(String npmCommand, String npmPackage, Path workDir, Duration timeout) throws IOException {
        String commandLine = "npm pack " + npmPackage;
        Path stdout = workDir.resolve("npm-stdout.txt");
        Path stderr = workDir.resolve("npm-stderr.txt");
        ProcessBuilder processBuilder = new ProcessBuilder(npmCommand, "pack", npmPackage, "--silent")
                .directory(workDir.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        Process process;
        try {
            process = processBuilder.start();
        } catch (IOException exception) {
            // ProcessBuilder's message repeats the command and folder; its cause has the reason alone.
            Throwable reason = exception.getCause() != null ? exception.getCause() : exception;
            throw new DataFetchException("Could not run " + npmCommand + " (" + reason.getMessage()
                    + "); is npm installed and on the PATH?", exception);
        }
        try {
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new DataFetchException(commandLine + " did not finish within " + timeout.toSeconds() + " s"
                        + stderrTail(stderr));
            }
        } catch (InterruptedException exception) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + commandLine);
        }
        if (process.exitValue() != 0) {
            throw new DataFetchException(commandLine + " failed with exit code " + process.exitValue()
                    + stderrTail(stderr));
        }
        List<String> printed = Files.readAllLines(stdout, StandardCharsets.UTF_8);
        for (int index = printed.size() - 1; index >= 0; index--) {
            String line = printed.get(index).strip();
            if (line.endsWith(".tgz") && Files.isRegularFile(workDir.resolve(line))) {
                return workDir.resolve(line);
            }
        }
        try (Stream<Path> files = Files.list(workDir)) {
            List<Path> tarballs = files.filter(file -> file.getFileName().toString().endsWith(".tgz")).toList();
            if (tarballs.size() == 1) {
                return tarballs.get(0);
            }
        }
        throw new DataFetchException(commandLine + " succeeded but wrote no single .tgz file to " + workDir
                + "; it printed: " + String.join(" ", printed));
    }

    /** @return npm's error output on one line, its lines joined by {@code |}, the end kept when it is long */
    private static String stderrTail(Path stderr) {
        List<String> lines;
        try {
            lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
        } catch (IOException exception) {
            return "";
        }
        String text = String.join(" | ", lines.stream().map(String::strip).filter(line -> !line.isEmpty()).toList());
        if (text.isEmpty()) {
            return " (no error output)";
        }
        if (text.length() > STDERR_TAIL_CHARS) {
            text = "..." + text.substring(text.length() - STDERR_TAIL_CHARS);
        }
        return ": " + text;
    }
}
