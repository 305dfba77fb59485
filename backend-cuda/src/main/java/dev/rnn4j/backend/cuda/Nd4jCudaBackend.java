package dev.rnn4j.backend.cuda;

import dev.rnn4j.api.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.environment.Nd4jEnvironment;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.factory.Nd4jBackend;

/**
 * The {@link Backend} on ND4J's CUDA runtime ({@code org.nd4j:nd4j-cuda-11.6}, cuBLAS for matrix products).
 *
 * <p>The math is the interface's reference implementations on ND4J's generic operations, which ND4J runs on the GPU.
 * The CUDA runtime libraries themselves (libcudart, cuBLAS) are not in ND4J's jars: they come from an installed CUDA
 * toolkit of the same major version, or from JavaCPP's {@code cuda-platform-redist}.
 *
 * <p>On first use it checks that ND4J loaded its CUDA backend; the check runs once per JVM (ND4J picks its backend once
 * per JVM too) and a failure is remembered, so every later call fails with the same message. This module compiles
 * against {@code nd4j-api} only and names the CUDA backend by its class name: the CUDA classes and natives come from
 * {@code nd4j-cuda-11.6-platform}, which only the application's {@code cuda} Maven profile adds.
 */
public final class Nd4jCudaBackend implements Backend {
    /** The class of ND4J's CUDA backend, in {@code org.nd4j:nd4j-cuda-<version>}. */
    static final String EXPECTED_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";

    private static final String BUILD_PROPERTIES = "nd4j-cuda.properties";
    private static final String DEFAULT_ARTIFACT = "nd4j-cuda-11.6";
    /** What ND4J 1.0.0-M2.1's CUDA 11.6 build carries machine code for; it has no PTX. */
    private static final String DEFAULT_CAPABILITIES = "3.7 5.0 5.2 6.0 6.1 7.0 7.5 8.0 8.6";
    private static final double GIB = 1024.0 * 1024.0 * 1024.0;

    /** The outcome of the one runtime check of this JVM; {@code null} until it ran. Guarded by the class. */
    private static Probe probe;

    private volatile boolean ready;

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public void ensureReady() {
        if (ready) {
            return;
        }
        synchronized (this) {
            if (ready) {
                return;
            }
            Probe result = probe();
            if (result.failure() != null) {
                throw new IllegalStateException(result.failure(), result.cause());
            }
            String unserved = unservedGpu();
            if (unserved != null) {
                throw new IllegalStateException(unserved);
            }
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
            ready = true;
        }
    }

    @Override
    public String describe() {
        ensureReady();
        return describe(guard(() -> Nd4j.getBackend().getClass().getSimpleName(), "unknown"), environment(),
                currentDevice(), guard(Nd4jCudaBackend::cudaBuildVersion, null));
    }

    /** @return ND4J's environment information, empty where it cannot say */
    private static Properties environment() {
        return guard(() -> Nd4j.getExecutioner().getEnvironmentInformation(), new Properties());
    }

    /** @return the index of the device the current thread uses, 0 where ND4J cannot say */
    private static int currentDevice() {
        return guard(() -> Nd4j.getAffinityManager().getDeviceForCurrentThread(), 0);
    }

    /** @return the properties ND4J reports for one device (name, capability, memory), empty when it reports none */
    private static Map<?, ?> deviceProperties(Properties info, int device) {
        List<?> devices = info.get(Nd4jEnvironment.CUDA_DEVICE_INFORMATION_KEY) instanceof List<?> list ? list
                : List.of();
        return device >= 0 && device < devices.size() && devices.get(device) instanceof Map<?, ?> map ? map : Map.of();
    }

    /**
     * The one line {@link #describe()} prints, from what ND4J reports. Every lookup is guarded: a missing or oddly typed
     * entry reads "unknown" or is left out.
     *
     * @param backendClass the simple name of ND4J's backend class
     * @param info         {@code Nd4j.getExecutioner().getEnvironmentInformation()}
     * @param device       the index of the device the current thread uses
     * @param cudaVersion  the CUDA version ND4J was built with, or {@code null} when unknown
     * @return the description
     */
    static String describe(String backendClass, Properties info, int device, String cudaVersion) {
        StringBuilder line = new StringBuilder("backend cuda: ND4J ").append(backendClass);
        Object count = info.get(Nd4jEnvironment.CUDA_NUM_GPUS_KEY);
        Map<?, ?> properties = deviceProperties(info, device);
        line.append(", device ").append(device);
        if (count != null) {
            line.append(" of ").append(count);
        }
        Object deviceName = properties.get(Nd4jEnvironment.CUDA_DEVICE_NAME_KEY);
        line.append(": ").append(deviceName == null ? "unknown" : deviceName.toString().strip());
        Object major = properties.get(Nd4jEnvironment.CUDA_DEVICE_MAJOR_VERSION_KEY);
        Object minor = properties.get(Nd4jEnvironment.CUDA_DEVICE_MINOR_VERSION_KEY);
        if (major != null && minor != null) {
            line.append(" (compute capability ").append(major).append('.').append(minor).append(')');
        }
        line.append(", CUDA ").append(cudaVersion == null ? cudaVersionOf(artifactId()) + " (configured)" : cudaVersion);
        if (properties.get(Nd4jEnvironment.CUDA_TOTAL_MEMORY_KEY) instanceof Number total && total.longValue() > 0) {
            line.append(", memory ");
            if (properties.get(Nd4jEnvironment.CUDA_FREE_MEMORY_KEY) instanceof Number free) {
                line.append(gibibytes(free.longValue())).append(" free of ");
            }
            line.append(gibibytes(total.longValue()));
        }
        Object blas = info.get(Nd4jEnvironment.BLAS_VENDOR_KEY);
        if (blas != null) {
            line.append(", BLAS ").append(blas);
        }
        return line.toString();
    }

    /** @return the one line to fail with when this thread's GPU has no machine code in the build, or null */
    private static String unservedGpu() {
        return unservedGpu(environment(), currentDevice(), builtCapabilities(), artifactId());
    }

    /**
     * The capability check as a function of what ND4J reports ({@code getEnvironmentInformation()}): a device whose
     * capability ND4J does not report passes (ND4J's own error then says what failed).
     *
     * @param info     ND4J's environment information
     * @param device   the index of the device the current thread uses
     * @param built    the capabilities the build carries machine code for
     * @param artifact the ND4J CUDA artifact
     * @return the one line to fail with, or null when the device is served or unknown
     */
    static String unservedGpu(Properties info, int device, List<CudaCapability> built, String artifact) {
        Map<?, ?> properties = deviceProperties(info, device);
        if (!(properties.get(Nd4jEnvironment.CUDA_DEVICE_MAJOR_VERSION_KEY) instanceof Number major)
                || !(properties.get(Nd4jEnvironment.CUDA_DEVICE_MINOR_VERSION_KEY) instanceof Number minor)) {
            return null;
        }
        Object name = properties.get(Nd4jEnvironment.CUDA_DEVICE_NAME_KEY);
        String gpu = "GPU " + device + (name == null ? "" : " (" + name.toString().strip() + ")");
        return new CudaCapability(major.intValue(), minor.intValue()).problem(gpu, built, artifact);
    }

    /** @return the capabilities the configured ND4J build carries machine code for (root pom nd4j.cuda.capabilities) */
    static List<CudaCapability> builtCapabilities() {
        return CudaCapability.parseAll(buildProperty("nd4j.cuda.capabilities", DEFAULT_CAPABILITIES));
    }

    /** @return the outcome of this JVM's one check that ND4J runs on CUDA */
    static synchronized Probe probe() {
        if (probe == null) {
            probe = runProbe();
        }
        return probe;
    }

    /**
     * What the check found: {@code failure} is {@code null} when ND4J runs on CUDA, else the one message to show.
     *
     * @param failure the message, or {@code null}
     * @param cause   the error behind it, or {@code null}
     */
    record Probe(String failure, Throwable cause) {
    }

    private static Probe runProbe() {
        boolean cudaClasses = isPresent(EXPECTED_BACKEND);
        // Ask ND4J's CUDA backend first: ND4J only logs why it skips a backend, and a failed native load is reported
        // in full only once per JVM (later attempts say "Could not initialize class").
        String cudaCannotRun = cudaClasses ? whyCudaCannotRun() : null;
        String loaded;
        try {
            loaded = Nd4j.getBackend().getClass().getName();
        } catch (Throwable failure) {
            String found = !cudaClasses
                    ? "the ND4J CUDA classes are not on the classpath (no org.nd4j:" + artifactId()
                            + " jar), and ND4J could not start: " + messages(failure)
                    : cudaCannotRun != null ? "ND4J's CUDA backend cannot run here: " + cudaCannotRun
                            : "ND4J could not start on CUDA: " + messages(failure);
            return new Probe(message(found), failure);
        }
        if (EXPECTED_BACKEND.equals(loaded)) {
            return new Probe(null, null);
        }
        String found = "ND4J loaded " + loaded + " instead"
                + (!cudaClasses ? " (the ND4J CUDA classes are not on the classpath)"
                        : cudaCannotRun != null ? ", because its CUDA backend cannot run here: " + cudaCannotRun
                        : " (another backend may be forced through ND4J's environment variables)");
        return new Probe(message(found), null);
    }

    private static String message(String found) {
        String artifact = artifactId();
        String cuda = cudaVersionOf(artifact);
        return "rnn4j cuda backend: cannot run on CUDA. Looked for ND4J's CUDA backend (" + EXPECTED_BACKEND
                + " from org.nd4j:" + artifact + ":" + buildProperty("nd4j.cuda.version", "?")
                + "), which needs ND4J's CUDA jars (org.nd4j:" + artifact + "-platform, which the cuda Maven profile"
                + " adds), the CUDA " + cuda + " runtime libraries (libcudart, cuBLAS: an installed CUDA " + cuda
                + " toolkit on the library path, or org.bytedeco:cuda-platform-redist) and an NVIDIA GPU with a driver"
                + " that supports CUDA " + cuda + ". Found: " + found + ". To run on the CPU instead, build with the"
                + " cpu Maven profile, the default (mvn -Pcpu ..., or build without -Pcuda), which binds"
                + " CpuBackendModule.";
    }

    /** @return why ND4J's CUDA backend cannot run here (a missing libcudart, no device...), or {@code null} if it can */
    private static String whyCudaCannotRun() {
        try {
            Nd4jBackend cuda = (Nd4jBackend) Class.forName(EXPECTED_BACKEND, true, loader())
                    .getDeclaredConstructor().newInstance();
            return cuda.canRun() ? null : "it reports that it cannot run (no usable GPU)";
        } catch (Throwable failure) {
            return messages(failure);
        }
    }

    /** @return the messages of an error and its causes, each once, e.g. a missing libcudart or "no CUDA devices" */
    static String messages(Throwable failure) {
        StringBuilder text = new StringBuilder();
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable error = failure; error != null && seen.add(error); error = error.getCause()) {
            String message = error.getMessage() == null ? "" : error.getMessage().strip();
            if (!message.isEmpty() && text.indexOf(message) >= 0) {
                continue;
            }
            if (!text.isEmpty()) {
                text.append(" <- caused by ");
            }
            text.append(error.getClass().getName());
            if (!message.isEmpty()) {
                text.append(": ").append(message);
            }
        }
        return text.toString();
    }

    private static String cudaBuildVersion() {
        Environment environment = Nd4j.getEnvironment();
        if (environment.isCPU()) {
            return null;
        }
        return environment.blasMajorVersion() + "." + environment.blasMinorVersion() + "."
                + environment.blasPatchVersion();
    }

    /**
     * @param artifactId an ND4J CUDA artifact, e.g. {@code nd4j-cuda-11.6}
     * @return its CUDA version, e.g. {@code 11.6}
     */
    static String cudaVersionOf(String artifactId) {
        String prefix = "nd4j-cuda-";
        return artifactId.startsWith(prefix) ? artifactId.substring(prefix.length()) : artifactId;
    }

    /** @return the ND4J CUDA artifact this build was configured with (root pom property nd4j.cuda.artifactId) */
    static String artifactId() {
        return buildProperty("nd4j.cuda.artifactId", DEFAULT_ARTIFACT);
    }

    private static String buildProperty(String key, String fallback) {
        try (InputStream in = Nd4jCudaBackend.class.getResourceAsStream(BUILD_PROPERTIES)) {
            if (in == null) {
                return fallback;
            }
            Properties properties = new Properties();
            properties.load(in);
            String value = properties.getProperty(key, "").strip();
            return value.isEmpty() || value.startsWith("${") ? fallback : value;
        } catch (IOException | IllegalArgumentException unreadable) {
            return fallback;
        }
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, loader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Nd4jCudaBackend.class.getClassLoader();
    }

    private static String gibibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / GIB);
    }

    private static <T> T guard(Supplier<T> lookup, T fallback) {
        try {
            T value = lookup.get();
            return value == null ? fallback : value;
        } catch (Throwable unavailable) {
            return fallback;
        }
    }
}
