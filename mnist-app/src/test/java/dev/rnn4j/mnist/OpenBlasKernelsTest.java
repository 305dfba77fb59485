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

    @Test
    void comparesTheCurrentSettingFirstThenDetectionWithoutRepeats() {
        java.util.List<String> settings = OpenBlasKernels.comparableSettings();
        String current = System.getenv(OpenBlasKernels.CORETYPE);
        if (current != null) {
            assertThat(settings.get(0)).isEqualTo(current);
        }
        assertThat(settings).contains((String) null);
        assertThat(settings).doesNotHaveDuplicates();
        assertThat(settings.size()).isBetween(1, 4);
    }

    @Test
    void childSettingsEitherForceAKernelOrLeaveOpenBlasToDetect() {
        ProcessBuilder forced = new ProcessBuilder("true");
        OpenBlasKernels.applySetting(forced, "SkylakeX");
        assertThat(forced.environment()).containsEntry(OpenBlasKernels.CORETYPE, "SkylakeX")
                .containsEntry("RNN4J_KERNEL_SELECT", "restarted");

        ProcessBuilder detected = new ProcessBuilder("true");
        detected.environment().put(OpenBlasKernels.CORETYPE, "Haswell");
        OpenBlasKernels.applySetting(detected, null);
        assertThat(detected.environment()).doesNotContainKey(OpenBlasKernels.CORETYPE)
                .containsEntry("RNN4J_KERNEL_SELECT", "off");
    }
}
