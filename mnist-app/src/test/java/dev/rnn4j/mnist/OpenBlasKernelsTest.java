package dev.rnn4j.mnist;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpenBlasKernelsTest {
    @Test
    void comparesTheCurrentSettingFirstThenDetectionThenTheFamiliesWithoutRepeats() {
        java.util.List<String> settings = OpenBlasKernels.comparableSettings();
        assertThat(settings.get(0)).isEqualTo(System.getenv(OpenBlasKernels.CORETYPE));
        assertThat(settings).contains("off").doesNotHaveDuplicates();
        assertThat(settings.size()).isBetween(2, 4);
        assertThat(dev.rnn4j.backend.cpu.OpenBlasKernels.runnableHere()).allMatch(settings::contains);
    }

    @Test
    void childSettingsForceAKernelLeaveTheBackendToChooseOrLeaveOpenBlasToDetect() {
        ProcessBuilder forced = new ProcessBuilder("true");
        forced.environment().put(OpenBlasKernels.SWITCH, "off");
        OpenBlasKernels.applySetting(forced, "SkylakeX");
        assertThat(forced.environment()).containsEntry(OpenBlasKernels.CORETYPE, "SkylakeX")
                .doesNotContainKey(OpenBlasKernels.SWITCH);

        ProcessBuilder detected = new ProcessBuilder("true");
        detected.environment().put(OpenBlasKernels.CORETYPE, "Haswell");
        OpenBlasKernels.applySetting(detected, "off");
        assertThat(detected.environment()).doesNotContainKey(OpenBlasKernels.CORETYPE)
                .containsEntry(OpenBlasKernels.SWITCH, "off");

        ProcessBuilder chosen = new ProcessBuilder("true");
        chosen.environment().put(OpenBlasKernels.CORETYPE, "Haswell");
        OpenBlasKernels.applySetting(chosen, null);
        assertThat(chosen.environment()).doesNotContainKey(OpenBlasKernels.CORETYPE)
                .doesNotContainKey(OpenBlasKernels.SWITCH);
    }
}
