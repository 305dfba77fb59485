package dev.rnn4j.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which GPUs ND4J's CUDA build serves, decided from the compute capability alone (no GPU needed). */
class CudaCapabilityTest {
    private static final List<CudaCapability> BUILT = CudaCapability.parseAll("3.7 5.0 5.2 6.0 6.1 7.0 7.5 8.0 8.6");

    @Test
    void aGpuRunsCodeOfItsMajorVersionAndAnEqualOrLowerMinor() {
        assertThat(new CudaCapability(8, 6).servedBy(BUILT)).as("A10, RTX 30xx").isTrue();
        assertThat(new CudaCapability(8, 9).servedBy(BUILT)).as("L4, RTX 40xx run the 8.6 code").isTrue();
        assertThat(new CudaCapability(7, 5).servedBy(BUILT)).as("T4").isTrue();
        assertThat(new CudaCapability(3, 7).servedBy(BUILT)).as("K80").isTrue();
        assertThat(new CudaCapability(3, 5).servedBy(BUILT)).as("K40: below 3.7").isFalse();
        assertThat(new CudaCapability(9, 0).servedBy(BUILT)).as("H100, H200").isFalse();
        assertThat(new CudaCapability(10, 0).servedBy(BUILT)).as("B200").isFalse();
        assertThat(new CudaCapability(12, 0).servedBy(BUILT)).as("RTX 50xx").isFalse();
    }

    @Test
    void anUnservedGpuGetsOneLineNamingItTheServedCapabilitiesAndWhatToDo() {
        String message = new CudaCapability(9, 0).problem("GPU 0 (NVIDIA H200)", BUILT, "nd4j-cuda-11.6");

        assertThat(message).isEqualTo("rnn4j cuda backend: GPU 0 (NVIDIA H200) has compute capability 9.0, and ND4J's"
                + " org.nd4j:nd4j-cuda-11.6 carries machine code for compute capabilities 3.7, 5.0, 5.2, 6.0, 6.1, 7.0,"
                + " 7.5, 8.0, 8.6 only (with no PTX for the driver to compile for other GPUs), so its kernels cannot"
                + " run there. Run on a GPU of compute capability 3.7-3.x, 5.0-5.x, 6.0-6.x, 7.0-7.x, 8.0-8.x, or on"
                + " the CPU: build without -Pcuda (the cpu profile, the default).");
        assertThat(new CudaCapability(8, 9).problem("GPU 0 (NVIDIA L4)", BUILT, "nd4j-cuda-11.6")).isNull();
    }

    @Test
    void theConfiguredListIsReadAndABadEntryNamed() {
        assertThat(CudaCapability.parseAll(" 8.0, 8.6 ")).containsExactly(new CudaCapability(8, 0),
                new CudaCapability(8, 6));
        assertThatThrownBy(() -> CudaCapability.parseAll("8.0 sm_86"))
                .hasMessage("nd4j.cuda.capabilities: expected MAJOR.MINOR entries such as 8.6, found 'sm_86' in"
                        + " '8.0 sm_86'");
        assertThat(Nd4jCudaBackend.builtCapabilities()).as("this build's list, filtered from the root pom")
                .contains(new CudaCapability(8, 6)).doesNotContain(new CudaCapability(9, 0));
    }
}
