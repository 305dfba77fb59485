package dev.rnn4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.junit.jupiter.api.Test;

/**
 * The kernels are chosen in the process itself, before OpenBLAS loads. Each case runs in a fresh JVM with
 * {@code OPENBLAS_VERBOSE=2}, so OpenBLAS itself prints the kernels it loaded ({@code Core: <family>}).
 */
class OpenBlasKernelsTest {
    @Test
    void choosesByTheCpuFeatures() {
        assertThat(OpenBlasKernels.runnable("flags : fpu sse4_2 avx avx2 fma avx512f avx512dq avx512bw avx512vl"))
                .containsExactly("SkylakeX", "Haswell");
        assertThat(OpenBlasKernels.runnable("flags : fpu sse4_2 avx avx2 fma")).containsExactly("Haswell");
        assertThat(OpenBlasKernels.runnable("flags : fpu sse4_2 avx")).isEmpty();
        assertThat(OpenBlasKernels.runnable("flags : avx2 fma avx512f")).as("AVX-512 without BW/DQ/VL")
                .containsExactly("Haswell");
    }

    @Test
    void aVariableSetInTheProcessReachesOpenBlas() throws Exception {
        assumeFalse(OpenBlasKernels.runnableHere().isEmpty(), "this CPU runs neither SkylakeX nor Haswell kernels");
        // Haswell differs from what OpenBLAS 0.3.19 detects on AVX-512 CPUs of Intel (SkylakeX) and AMD (Zen).
        Child child = run("set", "Haswell");
        assertThat(child.output()).contains("Core: Haswell").contains("set: null");
    }

    @Test
    void theBackendChoosesBeforeOpenBlasLoads() throws Exception {
        List<String> runnable = OpenBlasKernels.runnableHere();
        assumeFalse(runnable.isEmpty(), "this CPU runs neither SkylakeX nor Haswell kernels");
        Child child = run("backend");
        assertThat(child.output()).contains("Core: " + runnable.get(0))
                .contains("OpenBLAS kernels " + runnable.get(0) + " (chosen by rnn4j for");
    }

    @Test
    void aVariableTheUserSetIsKept() throws Exception {
        Child child = run(List.of(OpenBlasKernels.CORETYPE + "=Haswell"), "backend");
        assertThat(child.output()).contains("Core: Haswell").contains("OpenBLAS kernels Haswell (OPENBLAS_CORETYPE)");
    }

    @Test
    void theSwitchLeavesTheChoiceToOpenBlas() throws Exception {
        Child child = run(List.of(OpenBlasKernels.SWITCH + "=off"), "backend");
        assertThat(child.output()).contains("OpenBLAS kernels auto-detected, RNN4J_KERNEL_SELECT=off")
                .doesNotContain("chosen by rnn4j");
    }

    @Test
    void tooLateIsSaid() throws Exception {
        assumeFalse(OpenBlasKernels.runnableHere().isEmpty(), "this CPU runs neither SkylakeX nor Haswell kernels");
        Child child = run("late");
        assertThat(child.output()).contains("OpenBLAS loaded before rnn4j could choose");
    }

    private record Child(int status, String output) {
    }

    private static Child run(String... args) throws IOException, InterruptedException {
        return run(List.of(), args);
    }

    private static Child run(List<String> environment, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), KernelChild.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove(OpenBlasKernels.CORETYPE);
        builder.environment().remove(OpenBlasKernels.SWITCH);
        builder.environment().put("OPENBLAS_VERBOSE", "2");
        for (String setting : environment) {
            String[] parts = setting.split("=", 2);
            builder.environment().put(parts[0], parts[1]);
        }
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isZero();
        return new Child(process.exitValue(), text);
    }

    /** The child JVM: {@code set FAMILY} sets the variable and loads OpenBLAS; {@code backend} readies a backend. */
    static final class KernelChild {
        public static void main(String[] args) {
            switch (args[0]) {
                case "set" -> {
                    System.out.println("set: " + OpenBlasKernels.setVariable(OpenBlasKernels.CORETYPE, args[1]));
                    Loader.load(openblas_nolapack.class);
                }
                case "backend" -> {
                    Nd4jCpuBackend backend = new Nd4jCpuBackend(1);
                    backend.ensureReady();
                    System.out.println(backend.describe());
                }
                case "late" -> {
                    Loader.load(openblas_nolapack.class);
                    System.out.println(OpenBlasKernels.selectBeforeLoading());
                }
                default -> throw new IllegalArgumentException(args[0]);
            }
            System.out.flush();
        }
    }
}
