package dev.rnn4j.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether the ND4J CUDA build has machine code for a GPU. ND4J 1.0.0-M2.1's CUDA 11.6 build carries machine code for
 * compute capabilities 3.7 to 8.6 and no PTX, so the driver cannot compile kernels for a newer GPU: Hopper (9.0) and
 * Blackwell (10.x, 12.x) fail at the first kernel. Machine code for capability {@code M.m} runs on {@code M.n} with
 * {@code n >= m} (NVIDIA's binary compatibility within a major version), so 8.9 (Ada) runs the 8.6 code.
 *
 * @param major the GPU's major version
 * @param minor its minor version
 */
record CudaCapability(int major, int minor) {
    /**
     * @param text capabilities separated by spaces or commas, e.g. {@code "3.7 5.0 8.6"}
     * @return them in order
     * @throws IllegalArgumentException naming the entry that is not {@code MAJOR.MINOR}
     */
    static List<CudaCapability> parseAll(String text) {
        List<CudaCapability> all = new ArrayList<>();
        for (String entry : text.strip().split("[\\s,]+")) {
            String[] parts = entry.split("\\.");
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException(entry);
                }
                all.add(new CudaCapability(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
            } catch (NumberFormatException bad) {
                throw new IllegalArgumentException("nd4j.cuda.capabilities: expected MAJOR.MINOR entries such as 8.6,"
                        + " found '" + entry + "' in '" + text + "'");
            }
        }
        return all;
    }

    /** @return whether code built for one of {@code built} runs on this capability */
    boolean servedBy(List<CudaCapability> built) {
        return built.stream().anyMatch(code -> code.major == major && code.minor <= minor);
    }

    /**
     * @param gpu      the GPU's name and index, as the message names it
     * @param built    the capabilities the build carries code for
     * @param artifact the ND4J CUDA artifact, e.g. {@code nd4j-cuda-11.6}
     * @return null when the build serves this GPU, else the one line to fail with
     */
    String problem(String gpu, List<CudaCapability> built, String artifact) {
        if (servedBy(built)) {
            return null;
        }
        return String.format(Locale.ROOT, "rnn4j cuda backend: %s has compute capability %s, and ND4J's"
                + " org.nd4j:%s carries machine code for compute capabilities %s only (with no PTX for the driver to"
                + " compile for other GPUs), so its kernels cannot run there. Run on a GPU of compute capability %s,"
                + " or on the CPU: build without -Pcuda (the cpu profile, the default).", gpu, this, artifact,
                String.join(", ", built.stream().map(CudaCapability::toString).toList()), servedRange(built));
    }

    /** @return the capabilities served, per major version from its lowest code: e.g. "3.7-3.x, 5.0-5.x" */
    static String servedRange(List<CudaCapability> built) {
        java.util.Map<Integer, Integer> lowest = new java.util.TreeMap<>();
        built.forEach(code -> lowest.merge(code.major, code.minor, Math::min));
        List<String> spans = new ArrayList<>();
        lowest.forEach((major, minor) -> spans.add(major + "." + minor + "-" + major + ".x"));
        return String.join(", ", spans);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
