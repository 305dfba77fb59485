package dev.rnn4j.mnist;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpenBlasKernelsTest {
    @Test
    void choosesSkylakeXForAvx512AndHaswellForAvx2() {
        assertThat(OpenBlasKernels.choose("flags : fpu sse4_2 avx avx2 fma avx512f avx512dq avx512bw avx512vl"))
                .contains("SkylakeX");
        assertThat(OpenBlasKernels.choose("flags : fpu sse4_2 avx avx2 fma")).contains("Haswell");
        assertThat(OpenBlasKernels.choose("flags : fpu sse4_2 avx")).isEmpty();
        assertThat(OpenBlasKernels.choose("flags : avx2 fma avx512f")).as("AVX-512 without BW/DQ/VL").contains("Haswell");
    }
}
