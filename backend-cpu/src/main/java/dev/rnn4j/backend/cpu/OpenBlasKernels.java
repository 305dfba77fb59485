package dev.rnn4j.backend.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Chooses OpenBLAS's kernels by the CPU's features when {@value #CORETYPE} is unset, in this process, before OpenBLAS
 * loads.
 *
 * <p>ND4J 1.0.0-M2.1 carries OpenBLAS 0.3.19, which does not know recent CPUs and falls back to older kernels (on some
 * AMD CPUs its slow {@code Barcelona} ones; docs/benchmarks.md). OpenBLAS reads the variable once, in its library's
 * constructor, through C's {@code getenv}. Java cannot set a variable of its own process, so this class adds one to
 * the C library's {@code environ} array: a new array with the old entries and {@code OPENBLAS_CORETYPE=<family>},
 * written into {@code environ} as POSIX allows a program to do. It needs only JavaCPP's own native library (for
 * {@code dlsym} and memory access), no compiled code of ours and no restart of the JVM. The old array stays valid for
 * anyone who read it; the new one is never freed.
 *
 * <p>{@code SkylakeX} where the CPU has AVX-512 (F, BW, DQ, VL), {@code Haswell} where it has AVX2 and FMA. A variable
 * the user set is never changed; {@value #SWITCH}{@code =off} leaves the choice to OpenBLAS.
 */
public final class OpenBlasKernels {
    /** OpenBLAS's variable. */
    public static final String CORETYPE = "OPENBLAS_CORETYPE";
    /** Environment variable: {@code off} leaves the kernels to OpenBLAS's own detection. */
    public static final String SWITCH = "RNN4J_KERNEL_SELECT";

    /** What was decided, once per process. */
    private static Selection selection;
    /** The entries handed to the C library: they must live as long as the process. */
    private static final List<Pointer> KEPT = new ArrayList<>();

    private OpenBlasKernels() {
    }

    /**
     * What this process runs with.
     *
     * @param family the kernel family OpenBLAS was told, or null for its own detection
     * @param source where it came from, in words ({@code "OPENBLAS_CORETYPE"}, {@code "chosen by rnn4j for AVX-512"},
     *               {@code "auto-detected"}, ...)
     */
    public record Selection(String family, String source) {
        /** @return the family and its source, as {@code describe()} lines print them */
        @Override
        public String toString() {
            return family == null ? source : family + " (" + source + ")";
        }
    }

    /**
     * @param flags the {@code flags} line of /proc/cpuinfo
     * @return the kernel families this CPU can run that fit better than OpenBLAS's own detection, best first
     */
    public static List<String> runnable(String flags) {
        List<String> words = List.of(flags.toLowerCase(Locale.ROOT).split("\\s+"));
        List<String> families = new ArrayList<>();
        if (words.containsAll(List.of("avx512f", "avx512bw", "avx512dq", "avx512vl"))) {
            families.add("SkylakeX");
        }
        if (words.containsAll(List.of("avx2", "fma"))) {
            families.add("Haswell");
        }
        return families;
    }

    /** @return the kernel families this CPU can run, best first (empty where /proc/cpuinfo cannot be read) */
    public static List<String> runnableHere() {
        return cpuFlags().map(OpenBlasKernels::runnable).orElse(List.of());
    }

    /**
     * Sets {@value #CORETYPE} for this process to the best family the CPU runs, unless the variable is set, the
     * choice is switched off, OpenBLAS has loaded already, or nothing fits. Runs once; later calls return the first
     * answer.
     *
     * @return what OpenBLAS runs (or will run) with
     */
    public static synchronized Selection selectBeforeLoading() {
        if (selection == null) {
            selection = select(System.getenv(CORETYPE), System.getenv(SWITCH), runnableHere());
        }
        return selection;
    }

    private static Selection select(String userValue, String switchValue, List<String> runnable) {
        if (userValue != null) {
            return new Selection(userValue, CORETYPE);
        }
        if ("off".equalsIgnoreCase(switchValue)) {
            return new Selection(null, "auto-detected, " + SWITCH + "=off");
        }
        if (runnable.isEmpty()) {
            return new Selection(null, "auto-detected");
        }
        String family = runnable.get(0);
        if (openBlasLoaded()) {
            return new Selection(null, "auto-detected: OpenBLAS loaded before rnn4j could choose " + family);
        }
        String failure = setVariable(CORETYPE, family);
        if (failure != null) {
            return new Selection(null, "auto-detected: " + failure);
        }
        return new Selection(family, "chosen by rnn4j for " + (family.equals("SkylakeX") ? "AVX-512" : "AVX2")
                + ", " + CORETYPE + " unset");
    }

    /**
     * Adds {@code name=value} to the C library's environment of this process (Java's {@link System#getenv()} keeps
     * its own copy and does not see it).
     *
     * @return null when set, otherwise why not
     */
    static synchronized String setVariable(String name, String value) {
        try {
            Pointer address = Loader.addressof("environ");
            if (address == null || address.isNull()) {
                return "the C library's environ was not found";
            }
            PointerPointer<?> variable = new PointerPointer<>(address).capacity(1);
            PointerPointer<?> entries = new PointerPointer<>(variable.get(0));
            int count = 0;
            while (!entries.isNull() && entries.get(count) != null) {
                count++;
            }
            PointerPointer<?> grown = new PointerPointer<>(count + 2);
            for (int i = 0; i < count; i++) {
                grown.put(i, entries.get(i));
            }
            BytePointer entry = new BytePointer(name + "=" + value);
            grown.put(count, entry);
            grown.put(count + 1, (Pointer) null);
            KEPT.add(entry);
            KEPT.add(grown);
            variable.put(0, grown);
            return null;
        } catch (RuntimeException | LinkageError failure) {
            return "the environment could not be set (" + failure + ")";
        }
    }

    /** @return whether a library of OpenBLAS is mapped into this process already */
    static boolean openBlasLoaded() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(line -> line.contains("openblas"));
        } catch (IOException | RuntimeException unreadable) {
            return false;
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
