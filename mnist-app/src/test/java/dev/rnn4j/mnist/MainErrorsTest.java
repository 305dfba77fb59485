package dev.rnn4j.mnist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: one line naming what was wrong, exit status 2, no stack trace unless --debug. */
class MainErrorsTest {

    private static String[] runCapturingErrors(String... args) {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status;
        try (PrintStream stream = new PrintStream(errors, true, StandardCharsets.UTF_8)) {
            System.setErr(stream);
            status = Main.run(args);
        } finally {
            System.setErr(originalErr);
        }
        return new String[] {Integer.toString(status), errors.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void missingModelFileIsOneLineAndExitTwo(@TempDir Path folder) {
        String[] result = runCapturingErrors("evaluate", "--model", folder.resolve("absent.zip").toString());
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1].lines()).hasSize(1);
        assertThat(result[1]).startsWith("error: ").contains("absent.zip").doesNotContain("\tat ");
    }

    @Test
    void unreadableModelFileNamesTheFile(@TempDir Path folder) throws Exception {
        Path junk = folder.resolve("junk.zip");
        Files.writeString(junk, "not a zip");
        String[] result = runCapturingErrors("summary", "--model", junk.toString());
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1]).startsWith("error: ").contains("junk.zip").doesNotContain("\tat ");
    }

    @Test
    void debugAddsTheStackTrace(@TempDir Path folder) {
        String[] result = runCapturingErrors("evaluate", "--debug", "--model", folder.resolve("absent.zip").toString());
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1]).contains("\tat ");
    }

    @Test
    void badOptionValuesNameTheOption() {
        String[] result = runCapturingErrors("train", "--dropout", "1.5");
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1]).contains("--dropout").contains("1.5");
        result = runCapturingErrors("train", "--batch-size", "0");
        assertThat(result[1]).contains("--batch-size").contains("0");
        result = runCapturingErrors("train", "--epochs", "many");
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1]).contains("--epochs").contains("many");
        result = runCapturingErrors("bench", "--compare-kernels", "--compare-threads");
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1].lines()).hasSize(1);
        assertThat(result[1]).contains("--compare-kernels").contains("--compare-threads")
                .contains("expected one comparison per run, found 2");
        result = runCapturingErrors("bench", "--compare-blas", "--compare-threads", "--compare-kernels");
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1]).contains("--compare-blas").contains("found 3");
    }

    @Test
    void pngOfAnotherSizeIsRejectedWithBothSizes(@TempDir Path folder) throws Exception {
        Path png = folder.resolve("digit.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(32, 30, java.awt.image.BufferedImage.TYPE_BYTE_GRAY),
                "png", png.toFile());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PredictCommand.readPng(png, 28, 28))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("digit.png")
                .hasMessageContaining("28x28").hasMessageContaining("32x30");
    }

    @Test
    void pngOfTheRightSizeIsScaledToUnitRange(@TempDir Path folder) throws Exception {
        Path png = folder.resolve("digit.png");
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(28, 28,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 2, 0xffffff);
        javax.imageio.ImageIO.write(image, "png", png.toFile());
        float[] pixels = PredictCommand.readPng(png, 28, 28);
        assertThat(pixels[2 * 28 + 3]).isEqualTo(1f);
        assertThat(pixels[0]).isEqualTo(0f);
    }
}
