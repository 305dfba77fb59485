package dev.rnn4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.core.initializers.Initializers;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InitializersTest {

    @Test
    void orthogonalSquareMatrixIsOrthonormal() {
        int n = 256;
        double[] q = Initializers.orthogonal().initialize(new int[] {n, n}, new Random(1));
        for (int i = 0; i < n; i += 17) {
            for (int j = 0; j < n; j += 13) {
                double dot = 0;
                for (int k = 0; k < n; k++) {
                    dot += q[k * n + i] * q[k * n + j];
                }
                assertThat(dot).as("column %d . column %d", i, j).isCloseTo(i == j ? 1.0 : 0.0, within(1e-10));
            }
        }
    }

    @Test
    void orthogonalWideMatrixHasOrthonormalRows() {
        double[] q = Initializers.orthogonal().initialize(new int[] {3, 8}, new Random(2));
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double dot = 0;
                for (int k = 0; k < 8; k++) {
                    dot += q[i * 8 + k] * q[j * 8 + k];
                }
                assertThat(dot).isCloseTo(i == j ? 1.0 : 0.0, within(1e-10));
            }
        }
    }

    @Test
    void glorotUniformStaysWithinItsLimitAndIsSeeded() {
        double limit = Math.sqrt(6.0 / (28 + 256));
        double[] values = Initializers.glorotUniform().initialize(new int[] {28, 256}, new Random(3));
        double max = 0;
        for (double value : values) {
            max = Math.max(max, Math.abs(value));
        }
        assertThat(max).isLessThanOrEqualTo(limit).isGreaterThan(limit * 0.99);
        assertThat(Initializers.glorotUniform().initialize(new int[] {28, 256}, new Random(3))).containsExactly(values);
    }
}
