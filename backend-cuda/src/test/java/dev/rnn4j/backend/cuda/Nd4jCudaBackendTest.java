package dev.rnn4j.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class Nd4jCudaBackendTest {

    @Test
    void withoutCudaEnsureReadyFailsWithOneMessageNamingTheCpuProfile() {
        Throwable failure = catchThrowable(new Nd4jCudaBackend()::ensureReady);
        assumeTrue(failure != null, "ND4J runs on CUDA here: there is no failure to check");

        System.out.println("Nd4jCudaBackend.ensureReady() here: " + failure.getMessage());
        assertThat(failure).isInstanceOf(IllegalStateException.class);
        assertThat(failure.getMessage())
                .startsWith("rnn4j cuda backend: cannot run on CUDA.")
                .contains("org.nd4j.linalg.jcublas.JCublasBackend")
                .contains("org.nd4j:nd4j-cuda-11.6-platform")
                .contains("CUDA 11.6 runtime libraries (libcudart, cuBLAS")
                .contains("driver that supports CUDA 11.6")
                .contains("NVIDIA GPU")
                .contains("Found: ")
                .contains("cpu Maven profile")
                .contains("mvn -Pcpu")
                .contains("without -Pcuda")
                .doesNotContain("\n");
    }

    @Test
    void withoutTheCudaJarsTheMessageSaysSo() {
        boolean cudaClasses;
        try {
            Class.forName(Nd4jCudaBackend.EXPECTED_BACKEND, false, getClass().getClassLoader());
            cudaClasses = true;
        } catch (ClassNotFoundException absent) {
            cudaClasses = false;
        }
        assumeTrue(!cudaClasses, "the ND4J CUDA classes are on this test classpath (gpu profile)");

        Throwable failure = catchThrowable(new Nd4jCudaBackend()::ensureReady);

        assertThat(failure).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Found: the ND4J CUDA classes are not on the classpath (no org.nd4j:nd4j-cuda-11.6"
                        + " jar), and ND4J could not start: ");
    }

    @Test
    void theFailureIsRememberedAndRepeatedVerbatim() {
        Nd4jCudaBackend backend = new Nd4jCudaBackend();
        Throwable first = catchThrowable(backend::ensureReady);
        assumeTrue(first != null, "ND4J runs on CUDA here");

        Throwable again = catchThrowable(backend::ensureReady);
        Throwable otherInstance = catchThrowable(new Nd4jCudaBackend()::ensureReady);

        // ND4J's own second failure would only say "Could not initialize class org.nd4j.linalg.factory.Nd4j".
        assertThat(again).isInstanceOf(IllegalStateException.class).hasMessage(first.getMessage());
        assertThat(otherInstance).isInstanceOf(IllegalStateException.class).hasMessage(first.getMessage());
    }

    @Test
    void nameIsCuda() {
        assertThat(new Nd4jCudaBackend().name()).isEqualTo("cuda");
    }

    @Test
    void describeReadsDeviceVersionAndMemoryFromNd4jEnvironment() {
        Properties info = new Properties();
        info.put("backend", "CUDA");
        info.put("cuda.availableDevices", 2);
        info.put("blas.vendor", "CUBLAS");
        info.put("cuda.devicesInformation", List.of(
                Map.of("cuda.deviceName", "NVIDIA A100", "cuda.freeMemory", 1L << 30, "cuda.totalMemory", 4L << 30,
                        "cuda.deviceMajor", 8L, "cuda.deviceMinor", 0L),
                Map.of("cuda.deviceName", "NVIDIA H100 80GB HBM3 ", "cuda.freeMemory", 79L << 30,
                        "cuda.totalMemory", 80L << 30, "cuda.deviceMajor", 9L, "cuda.deviceMinor", 0L)));

        String line = Nd4jCudaBackend.describe("JCublasBackend", info, 1, "11.6.2");

        assertThat(line).isEqualTo("backend cuda: ND4J JCublasBackend, device 1 of 2: NVIDIA H100 80GB HBM3"
                + " (compute capability 9.0), CUDA 11.6.2, memory 79.0 GiB free of 80.0 GiB, BLAS CUBLAS");
    }

    @Test
    void aGpuWithoutMachineCodeInTheBuildIsRefusedInOneLine() {
        Properties info = new Properties();
        info.put("cuda.devicesInformation", List.of(
                Map.of("cuda.deviceName", "NVIDIA A100", "cuda.deviceMajor", 8L, "cuda.deviceMinor", 0L),
                Map.of("cuda.deviceName", "NVIDIA H200 ", "cuda.deviceMajor", 9L, "cuda.deviceMinor", 0L)));
        List<CudaCapability> built = Nd4jCudaBackend.builtCapabilities();

        assertThat(Nd4jCudaBackend.unservedGpu(info, 0, built, "nd4j-cuda-11.6")).isNull();
        assertThat(Nd4jCudaBackend.unservedGpu(info, 1, built, "nd4j-cuda-11.6"))
                .startsWith("rnn4j cuda backend: GPU 1 (NVIDIA H200) has compute capability 9.0, and ND4J's"
                        + " org.nd4j:nd4j-cuda-11.6 carries machine code for compute capabilities 3.7,")
                .contains("build without -Pcuda").doesNotContain("\n");
        assertThat(Nd4jCudaBackend.unservedGpu(new Properties(), 0, built, "nd4j-cuda-11.6"))
                .as("nothing reported: ND4J's own error will say what failed").isNull();
    }

    @Test
    void describeGuardsEveryLookup() {
        Properties odd = new Properties();
        odd.put("cuda.devicesInformation", "not a list");
        odd.put("cuda.availableDevices", 1);

        assertThat(Nd4jCudaBackend.describe("JCublasBackend", new Properties(), 0, null))
                .isEqualTo("backend cuda: ND4J JCublasBackend, device 0: unknown, CUDA 11.6 (configured)");
        assertThat(Nd4jCudaBackend.describe("JCublasBackend", odd, 3, null))
                .isEqualTo("backend cuda: ND4J JCublasBackend, device 3 of 1: unknown, CUDA 11.6 (configured)");
    }

    @Test
    void theConfiguredArtifactComesFromTheRootPomProperties() {
        assertThat(Nd4jCudaBackend.artifactId()).isEqualTo("nd4j-cuda-11.6");
        assertThat(Nd4jCudaBackend.cudaVersionOf("nd4j-cuda-12.1")).isEqualTo("12.1");
    }

    @Test
    void messagesListEachCauseOnce() {
        Throwable failure = new ExceptionInInitializerError(new RuntimeException("no backend",
                new UnsatisfiedLinkError("no jnicudart in java.library.path")));

        assertThat(Nd4jCudaBackend.messages(failure)).isEqualTo("java.lang.ExceptionInInitializerError"
                + " <- caused by java.lang.RuntimeException: no backend"
                + " <- caused by java.lang.UnsatisfiedLinkError: no jnicudart in java.library.path");
    }
}
