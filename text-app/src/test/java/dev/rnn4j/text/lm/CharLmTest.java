package dev.rnn4j.text.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rnn4j.api.Backend;
import dev.rnn4j.backend.cpu.CpuBackendModule;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.Sequential;
import com.google.inject.Guice;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CharLmTest {
    static final Backend BACKEND = Guice.createInjector(new CpuBackendModule()).getInstance(Backend.class);

    @Test
    void vocabularyIsTheTextsCodePointsInOrderAndNamesAnUnknownCharacter() {
        CharVocabulary vocabulary = CharVocabulary.of("baa\uD83D\uDE00c");
        assertThat(vocabulary.size()).isEqualTo(4);
        assertThat(vocabulary.characters()).isEqualTo("abc\uD83D\uDE00");
        assertThat(vocabulary.encode("cab\uD83D\uDE00", "t")).containsExactly(2, 0, 1, 3);
        assertThat(CharVocabulary.fromSaved(vocabulary.characters()).characters()).isEqualTo("abc\uD83D\uDE00");
        assertThatThrownBy(() -> vocabulary.encode("abz", "--prompt"))
                .hasMessage("--prompt: character 'z' (U+007A) at position 2 is not among the 4 characters the model"
                        + " was trained on; expected only those");
        assertThatThrownBy(() -> CharVocabulary.fromSaved("aa")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamsPutWindowJOfStreamIAtSampleJTimesBPlusI() {
        int[] ids = new int[50];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        // 2 streams of (50 - 1) / 2 = 24 characters: windows of 5, 4 per stream.
        INDArray[] data = CharLm.streams(ids, 0, 50, 2, 5, "part");
        assertThat(data[0].shape()).containsExactly(8, 5);
        assertThat(data[0].getRow(0).toIntVector()).containsExactly(0, 1, 2, 3, 4);
        assertThat(data[0].getRow(1).toIntVector()).containsExactly(24, 25, 26, 27, 28);
        assertThat(data[0].getRow(2).toIntVector()).containsExactly(5, 6, 7, 8, 9);
        assertThat(data[1].getRow(3).toIntVector()).containsExactly(30, 31, 32, 33, 34);
        assertThatThrownBy(() -> CharLm.streams(ids, 40, 50, 4, 5, "the validation part of t"))
                .hasMessageStartingWith("the validation part of t: expected at least 21 characters for 4 streams");
    }

    @Test
    void samplingCarriesTheStateExactlyAsRunningTheWholeTextAgain() {
        CharVocabulary vocabulary = CharVocabulary.of("abcdefgh ");
        Sequential model = CharLm.create(BACKEND, 3, vocabulary.size(), new CharLm.Config("gru", 1, 12, 5, 0.0, 0.01));
        // A little training, so that the output depends on the whole past.
        int[] ids = new SplittableRandom(2).ints(400, 0, vocabulary.size()).toArray();
        INDArray[] data = CharLm.streams(ids, 0, ids.length, 4, 10, "t");
        model.fit(data[0], data[1], new FitOptions().epochs(2).batchSize(4).shuffle(false).verbose(0));

        Sampler.Result first = Sampler.generate(model, vocabulary, "abc", 30, 0.0, 0, 1);
        Sampler.Result again = Sampler.generate(model, vocabulary, "abc", 30, 0.0, 0, 1);
        assertThat(again.text()).isEqualTo(first.text());
        // Greedy decoding step by step equals the argmax of the last step of the whole text run at once.
        String text = "abc" + first.text();
        for (int cut = 4; cut <= text.length(); cut += 9) {
            CharLm.resetStates(model);
            int[] prefix = vocabulary.encode(text.substring(0, cut - 1), "t");
            float[] input = new float[prefix.length];
            for (int i = 0; i < prefix.length; i++) {
                input[i] = prefix[i];
            }
            INDArray out = model.forward(Nd4j.create(input, new long[] {1, prefix.length}), false);
            double[] last = out.slice(0).getRow(prefix.length - 1).toDoubleVector();
            assertThat(vocabulary.character(Sampler.choose(last, 0, 0, new SplittableRandom(1))))
                    .as("character %d", cut - 1).isEqualTo(text.substring(cut - 1, cut));
        }
        Sampler.Result seeded = Sampler.generate(model, vocabulary, "abc", 40, 1.0, 3, 7);
        assertThat(Sampler.generate(model, vocabulary, "abc", 40, 1.0, 3, 7).text()).isEqualTo(seeded.text());
        assertThat(Sampler.generate(model, vocabulary, "abc", 40, 1.0, 0, 8).text()).isNotEqualTo(seeded.text());
    }

    @Test
    void chooseHonoursTemperatureZeroAndTopK() {
        double[] p = {0.1, 0.6, 0.3};
        SplittableRandom random = new SplittableRandom(1);
        assertThat(Sampler.choose(p, 0, 0, random)).isEqualTo(1);
        int[] counts = new int[3];
        for (int i = 0; i < 3000; i++) {
            counts[Sampler.choose(p, 1.0, 2, random)]++;
        }
        assertThat(counts[0]).isZero();
        // Top 2 of (0.6, 0.3) renormalised: 2/3 and 1/3.
        assertThat(counts[1] / 3000.0).isBetween(0.62, 0.71);
        int[] sharp = new int[3];
        for (int i = 0; i < 3000; i++) {
            sharp[Sampler.choose(p, 0.25, 0, random)]++;
        }
        // p^4 normalised: 0.6^4 / (0.1^4 + 0.6^4 + 0.3^4) = 0.94.
        assertThat(sharp[1] / 3000.0).isBetween(0.92, 0.96);
    }

    @Test
    void flopsPerCharacterCountForwardBackwardAsThreeForwards() {
        CharLm.Config lstm = new CharLm.Config("lstm", 1, 256, 32, 0.0, 0.001);
        assertThat(lstm.trainFlopsPerChar(83)).isEqualTo(3 * (2.0 * 288 * 4 * 256 + 2.0 * 256 * 83));
        assertThatThrownBy(() -> new CharLm.Config("rnn", 1, 8, 8, 0.0, 0.1)).hasMessage("--cell: expected lstm or gru,"
                + " found rnn");
    }
}
