package dev.rnn4j.mnist;

import dev.rnn4j.api.Backend;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.io.IoErrors;
import dev.rnn4j.core.io.ModelFile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Classifies one test image, or a PNG, and prints it as text art with the class probabilities. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify a test image (--index) or a 28x28 PNG (--image) with a saved model.")
final class PredictCommand implements Callable<Integer> {
    private static final String SHADES = " .:-=+*#%@";

    @Mixin
    CommonOptions data = new CommonOptions();

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model.zip written by train.")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--index", paramLabel = "N", description = "Index of a test image.")
        Integer index;

        @Option(names = "--image", paramLabel = "PNG", description = "A grayscale PNG of the model's input size,"
                + " white digit on black as in MNIST.")
        Path image;
    }

    @Override
    public Integer call() throws Exception {
        Backend backend = Backends.load();
        Sequential loaded = ModelFile.load(model, backend);
        int rows = loaded.inputShape().dim(0);
        int cols = loaded.inputShape().dim(1);
        float[] pixels;
        String label = "";
        if (source.image != null) {
            pixels = readPng(source.image, rows, cols);
        } else {
            int outputs = loaded.outputShape().last();
            MnistData mnist = data.classes != null
                    ? MnistData.loadTest(data.dataDir, data.mirrors, System.out, data.classes,
                            "--classes " + data.classes)
                    : MnistData.loadTest(data.dataDir, data.mirrors, System.out, outputs,
                            "the model's " + outputs + " outputs");
            int count = Math.toIntExact(mnist.xTest.size(0));
            if (source.index < 0 || source.index >= count) {
                throw new IllegalArgumentException("--index: expected a test image index in [0, " + count
                        + "), found " + source.index);
            }
            pixels = mnist.xTest.slice(source.index).dup().data().asFloat();
            label = " (true label " + mnist.dataset.test().labels()[source.index] + ")";
        }
        INDArray input = Nd4j.create(pixels, new long[] {1, rows, cols}, 'c');
        double[] probabilities = loaded.predict(input, 1).toDoubleVector();
        for (int r = 0; r < rows; r++) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                float value = pixels[r * cols + c];
                char shade = SHADES.charAt(Math.min(SHADES.length() - 1, (int) (value * SHADES.length())));
                line.append(shade).append(shade);
            }
            System.out.println(line.toString().stripTrailing());
        }
        int best = 0;
        for (int k = 0; k < probabilities.length; k++) {
            if (probabilities[k] > probabilities[best]) {
                best = k;
            }
        }
        System.out.println("Predicted: " + best + label);
        for (int k = 0; k < probabilities.length; k++) {
            System.out.printf(Locale.ROOT, "  %d: %6.2f%% %s%n", k, 100 * probabilities[k],
                    "#".repeat((int) Math.round(probabilities[k] * 40)));
        }
        return 0;
    }

    /**
     * @return the PNG's gray levels scaled to [0, 1]
     */
    static float[] readPng(Path file, int rows, int cols) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("--image " + file + ": a folder, expected a PNG file");
        }
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (javax.imageio.IIOException unreadable) {
            // ImageIO names neither the file nor, for a truncated file, what is missing.
            throw new IllegalArgumentException("--image " + file + ": not a complete PNG ("
                    + IoErrors.cause(unreadable) + ")", unreadable);
        }
        if (image == null) {
            throw new IllegalArgumentException(file + ": not a PNG (or any image format Java can read)");
        }
        if (image.getWidth() != cols || image.getHeight() != rows) {
            throw new IllegalArgumentException(file + ": expected " + cols + "x" + rows + " pixels, found "
                    + image.getWidth() + "x" + image.getHeight());
        }
        float[] pixels = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int rgb = image.getRGB(c, r);
                int gray = (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff)) / 3;
                pixels[r * cols + c] = gray / 255f;
            }
        }
        return pixels;
    }
}
