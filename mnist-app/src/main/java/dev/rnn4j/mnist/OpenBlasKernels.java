package dev.rnn4j.mnist;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses OpenBLAS's kernels by the CPU's features when {@code OPENBLAS_CORETYPE} is unset.
 *
 * <p>ND4J 1.0.0-M2.1 carries OpenBLAS 0.3.19, which does not recognise recent AMD CPUs and falls back to its slow
 * {@code Barcelona} kernels (2-3x slower than {@code Haswell}; measured in shared/PERF-NOTES.md and docs/benchmarks.md).
 * OpenBLAS reads the variable once, when its library loads, so the app restarts itself with the variable set:
 * {@code SkylakeX} where the CPU has AVX-512 (F, BW, DQ, VL), {@code Haswell} where it has AVX2 and FMA. A variable the
 * user set is never changed; {@code RNN4J_KERNEL_SELECT=off} turns the restart off.
 */
final class OpenBlasKernels {
    static final String CORETYPE = "OPENBLAS_CORETYPE";
    private static final String MARKER = "RNN4J_KERNEL_SELECT";

    private OpenBlasKernels() {
    }

    /**
     * @param flags the {@code flags} line of /proc/cpuinfo
     * @return the kernel family to use, if one fits better than OpenBLAS's own detection
     */
    static Optional<String> choose(String flags) {
        List<String> words = List.of(flags.toLowerCase(Locale.ROOT).split("\\s+"));
        if (words.containsAll(List.of("avx512f", "avx512bw", "avx512dq", "avx512vl"))) {
            return Optional.of("SkylakeX");
        }
        if (words.containsAll(List.of("avx2", "fma"))) {
            return Optional.of("Haswell");
        }
        return Optional.empty();
    }

    /**
     * Restarts this JVM with the chosen kernels when the variable is unset, and returns the child's exit status; empty
     * when no restart is needed or possible (then the app runs in this process).
     *
     * @param mainClass the class to start
     * @param args      the command line
     * @return the child's exit status, or empty
     */
    static Optional<Integer> restartIfUseful(Class<?> mainClass, String[] args) {
        if (System.getenv(CORETYPE) != null || System.getenv(MARKER) != null) {
            return Optional.empty();
        }
        Optional<String> choice = cpuFlags().flatMap(OpenBlasKernels::choose);
        Optional<String> java = ProcessHandle.current().info().command();
        if (choice.isEmpty() || java.isEmpty()) {
            return Optional.empty();
        }
        ProcessBuilder builder = new ProcessBuilder(javaCommand(java.get(), mainClass, List.of(), List.of(args)))
                .inheritIO();
        builder.environment().put(CORETYPE, choice.get());
        builder.environment().put(MARKER, "restarted");
        try {
            Process child = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(child::destroy));
            return Optional.of(child.waitFor());
        } catch (IOException failed) {
            return Optional.empty();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return Optional.of(130);
        }
    }

    /**
     * @param java       the java launcher
     * @param mainClass  the class to start
     * @param jvmOptions JVM options added after this JVM's own (a later {@code -D} wins)
     * @param args       its arguments
     * @return a command line starting this JVM's class path and JVM options again with other arguments
     */
    static List<String> javaCommand(String java, Class<?> mainClass, List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        return command;
    }

    /**
     * @return the environment settings worth comparing on this CPU, in order: the current one (the variable as set, or
     *         the app's choice when unset), OpenBLAS's own detection, then SkylakeX and Haswell where the CPU has the
     *         instructions; each maps {@value #CORETYPE} to a kernel family, or to null for "unset"
     */
    static List<String> comparableSettings() {
        String flags = cpuFlags().orElse("");
        List<String> settings = new ArrayList<>();
        String current = System.getenv(CORETYPE);
        settings.add(current != null ? current : choose(flags).orElse(null));
        settings.add(null);
        List<String> words = List.of(flags.toLowerCase(Locale.ROOT).split("\\s+"));
        if (words.containsAll(List.of("avx512f", "avx512bw", "avx512dq", "avx512vl"))) {
            settings.add("SkylakeX");
        }
        if (words.containsAll(List.of("avx2", "fma"))) {
            settings.add("Haswell");
        }
        return settings.stream().distinct().toList();
    }

    /**
     * @param builder a child process about to start
     * @param setting a kernel family for {@value #CORETYPE}, or null for OpenBLAS's own detection
     */
    static void applySetting(ProcessBuilder builder, String setting) {
        if (setting == null) {
            builder.environment().remove(CORETYPE);
            builder.environment().put(MARKER, "off");
        } else {
            builder.environment().put(CORETYPE, setting);
            builder.environment().put(MARKER, "restarted");
        }
    }

    private static Optional<String> cpuFlags() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("flags")).findFirst();
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }
}
