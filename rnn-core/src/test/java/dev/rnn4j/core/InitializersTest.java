package dev.rnn4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.Gson;
import dev.rnn4j.api.Initializer;
import dev.rnn4j.core.initializers.Initializers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Test
    void everyBuiltInRoundTripsThroughItsKerasConfigInJson() {
        Gson gson = new Gson();
        for (Initializer initializer : List.of(Initializers.zeros(), Initializers.ones(), Initializers.constant(0.25),
                Initializers.glorotUniform(), Initializers.orthogonal(), Initializers.orthogonal(2.0))) {
            Map<String, Object> config = initializer.config();
            Object readBack = gson.fromJson(gson.toJson(config), Map.class);

            Initializer rebuilt = Initializers.fromConfig(readBack);

            assertThat(rebuilt).as("%s", initializer).isEqualTo(initializer).hasSameHashCodeAs(initializer);
            assertThat(rebuilt.config()).as("%s", initializer).isEqualTo(config);
            assertThat(rebuilt.initialize(new int[] {4, 3}, new Random(7)))
                    .containsExactly(initializer.initialize(new int[] {4, 3}, new Random(7)));
        }
    }

    @Test
    void theConfigsAreKerasSerializedForms() {
        assertThat(Initializers.glorotUniform().config())
                .isEqualTo(Map.of("class_name", "GlorotUniform", "config", Map.of()));
        assertThat(Initializers.orthogonal().config())
                .isEqualTo(Map.of("class_name", "Orthogonal", "config", Map.of("gain", 1.0)));
        assertThat(Initializers.constant(0.5).config())
                .isEqualTo(Map.of("class_name", "Constant", "config", Map.of("value", 0.5)));
        assertThat(Initializers.zeros().config()).isEqualTo(Map.of("class_name", "Zeros", "config", Map.of()));
        assertThat(Initializers.ones().config()).isEqualTo(Map.of("class_name", "Ones", "config", Map.of()));
        Initializer lambda = (shape, random) -> new double[] {1};
        assertThat(lambda.config()).as("a lambda cannot be saved").isNull();
    }

    @Test
    void plainNamesGiveTheDefaults() {
        assertThat(Initializers.fromConfig("glorot_uniform")).isEqualTo(Initializers.glorotUniform());
        assertThat(Initializers.fromConfig("GlorotUniform")).isEqualTo(Initializers.glorotUniform());
        assertThat(Initializers.fromConfig("orthogonal")).isEqualTo(Initializers.orthogonal(1.0));
        assertThat(Initializers.fromConfig("zeros")).isEqualTo(Initializers.zeros());
        assertThat(Initializers.fromConfig("ones")).isEqualTo(Initializers.ones());
        assertThat(Initializers.fromConfig("constant")).isEqualTo(Initializers.constant(0.0));
        assertThat(Initializers.fromConfig(Map.of("class_name", "Orthogonal"))).isEqualTo(Initializers.orthogonal());
        Map<String, Object> kerasArguments = new LinkedHashMap<>();
        kerasArguments.put("gain", 3);
        kerasArguments.put("seed", null);
        Map<String, Object> kerasForm = Map.of("module", "keras.initializers", "class_name", "Orthogonal",
                "config", kerasArguments, "registered_name", "Orthogonal");
        assertThat(Initializers.fromConfig(kerasForm)).as("Keras's own form").isEqualTo(Initializers.orthogonal(3.0));
    }

    @Test
    void orthogonalGainScalesTheMatrix() {
        double[] unit = Initializers.orthogonal().initialize(new int[] {5, 3}, new Random(4));
        double[] doubled = Initializers.orthogonal(2.0).initialize(new int[] {5, 3}, new Random(4));
        for (int i = 0; i < unit.length; i++) {
            assertThat(doubled[i]).isEqualTo(2.0 * unit[i]);
        }
    }

    @Test
    void randomUniformStaysInItsBoundsAndReadsBackFromKerasNames() {
        double[] values = Initializers.randomUniform(-0.05, 0.05).initialize(new int[] {50, 40}, new Random(3));
        assertThat(java.util.Arrays.stream(values).allMatch(value -> value >= -0.05 && value <= 0.05)).isTrue();
        double mean = java.util.Arrays.stream(values).average().orElseThrow();
        assertThat(mean).isBetween(-0.005, 0.005);
        assertThat(Initializers.fromConfig("uniform")).isEqualTo(Initializers.randomUniform(-0.05, 0.05));
        assertThat(Initializers.fromConfig(Initializers.randomUniform(-1, 2).config()))
                .isEqualTo(Initializers.randomUniform(-1, 2));
        assertThatThrownBy(() -> Initializers.randomUniform(1, 0)).hasMessage("RandomUniform: expected minval <="
                + " maxval, found 1.0 and 0.0");
    }

    @Test
    void badConfigsNameTheProblem() {
        assertThatThrownBy(() -> Initializers.fromConfig("he_normal")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initializer: unknown initializer 'he_normal'; known: constant, glorot_uniform, ones,"
                        + " orthogonal, random_uniform, zeros (or their class names: Constant, GlorotUniform, Ones,"
                        + " Orthogonal, RandomUniform, Zeros)");
        assertThatThrownBy(() -> Initializers.fromConfig(5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initializer: expected a name such as 'glorot_uniform' or an object {class_name, config},"
                        + " found 5");
        assertThatThrownBy(() -> Initializers.fromConfig(Map.of("class_name", "Constant", "config",
                Map.of("value", "x")))).hasMessage("Constant value: expected a number, found 'x'");
        assertThatThrownBy(() -> Initializers.fromConfig(Map.of("class_name", "Constant", "config", List.of())))
                .hasMessage("Constant config: expected an object, found []");
        assertThatThrownBy(() -> Initializers.fromConfig(Map.of("class_name", "GlorotUniform", "config",
                Map.of("seed", 42)))).hasMessage("GlorotUniform seed: expected none (rnn4j's initializers draw from"
                        + " the model's seeded generator), found 42");
        assertThatThrownBy(() -> Initializers.orthogonal(Double.NaN))
                .hasMessage("Orthogonal gain: expected a finite number, found NaN");
    }
}
