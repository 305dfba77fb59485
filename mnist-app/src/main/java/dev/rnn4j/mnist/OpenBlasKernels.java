package dev.rnn4j.mnist;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenBLAS kernel settings {@code bench --compare-kernels} runs side by side, each in a child JVM. The choice
 * itself is the CPU backend's ({@code dev.rnn4j.backend.cpu.OpenBlasKernels}), made in the process before OpenBLAS
 * loads; this class only starts children with other settings.
 */
final class OpenBlasKernels {
    static final String CORETYPE = "OPENBLAS_CORETYPE";
    /** The CPU backend's switch: {@code off} leaves the kernels to OpenBLAS's own detection. */
    static final String SWITCH = "RNN4J_KERNEL_SELECT";
    private static final String CHOOSER = "dev.rnn4j.backend.cpu.OpenBlasKernels";

    private OpenBlasKernels() {
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
     * @return the settings worth comparing on this CPU, in order: the current one (the variable as set, or null for
     *         the backend's own choice when unset), OpenBLAS's own detection ({@code "off"}), then each kernel family
     *         the CPU runs
     */
    static List<String> comparableSettings() {
        List<String> settings = new ArrayList<>();
        settings.add(System.getenv(CORETYPE));
        settings.add("off");
        settings.addAll(runnableFamilies());
        return settings.stream().distinct().toList();
    }

    /**
     * @param setting an entry of {@link #comparableSettings()}
     * @return how a table names it
     */
    static String label(String setting) {
        if (setting == null) {
            return "unset (the backend's choice)";
        }
        return setting.equals("off") ? SWITCH + "=off (OpenBLAS's own detection)" : setting;
    }

    /**
     * @param builder a child process about to start
     * @param setting an entry of {@link #comparableSettings()}
     */
    static void applySetting(ProcessBuilder builder, String setting) {
        builder.environment().remove(CORETYPE);
        builder.environment().remove(SWITCH);
        if ("off".equals(setting)) {
            builder.environment().put(SWITCH, "off");
        } else if (setting != null) {
            builder.environment().put(CORETYPE, setting);
        }
    }

    /**
     * Asks the CPU backend, when it is the one on the class path (the cuda profile has none), which families this
     * CPU runs; by name, because the app compiles against one backend or the other.
     */
    @SuppressWarnings("unchecked")
    private static List<String> runnableFamilies() {
        try {
            return (List<String>) Class.forName(CHOOSER).getMethod("runnableHere").invoke(null);
        } catch (ReflectiveOperationException | LinkageError notCpu) {
            return List.of();
        }
    }
}
