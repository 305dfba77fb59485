package dev.rnn4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@value CpuBlas#PROPERTY} setting: its three values, the automatic choice, and a clear error otherwise. */
class CpuBlasTest {
    private final String before = System.getProperty(CpuBlas.PROPERTY);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(CpuBlas.PROPERTY);
        } else {
            System.setProperty(CpuBlas.PROPERTY, before);
        }
    }

    @Test
    void namedLibrariesAreTakenAsAsked() {
        System.setProperty(CpuBlas.PROPERTY, "OpenBLAS");
        assertThat(CpuBlas.fromSetting()).isEqualTo(CpuBlas.OPENBLAS);
        if (CpuBlas.mklFailure() == null) {
            System.setProperty(CpuBlas.PROPERTY, " mkl ");
            assertThat(CpuBlas.fromSetting()).isEqualTo(CpuBlas.MKL);
        }
    }

    @Test
    void automaticChoiceIsMklOnIntelCpusWhereItLoads() {
        System.clearProperty(CpuBlas.PROPERTY);
        boolean intel = "GenuineIntel".equals(CpuBlas.cpuVendor());
        CpuBlas expected = intel && CpuBlas.mklFailure() == null ? CpuBlas.MKL : CpuBlas.OPENBLAS;
        assertThat(CpuBlas.fromSetting()).isEqualTo(expected);
        System.setProperty(CpuBlas.PROPERTY, "auto");
        assertThat(CpuBlas.fromSetting()).isEqualTo(expected);
    }

    @Test
    void anUnknownSettingNamesTheChoices() {
        System.setProperty(CpuBlas.PROPERTY, "atlas");
        assertThatThrownBy(CpuBlas::fromSetting).isInstanceOf(IllegalStateException.class)
                .hasMessage("system property rnn4j.blas: expected auto, mkl or openblas, found 'atlas'");
    }

    @Test
    void descriptionsNameTheLibrary() {
        assertThat(CpuBlas.OPENBLAS.describe()).isEqualTo("OpenBLAS");
        if (CpuBlas.mklFailure() == null) {
            assertThat(CpuBlas.MKL.describe()).matches("Intel MKL \\d{4}\\.\\d+.*");
        }
    }
}
