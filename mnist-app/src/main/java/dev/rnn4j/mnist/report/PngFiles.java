package dev.rnn4j.mnist.report;

import dev.rnn4j.core.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import javax.imageio.ImageIO;

/** Writes PNG files through {@link AtomicFiles}, so that a reader never sees a half-written picture. */
final class PngFiles {
    private PngFiles() {}

    /**
     * Encodes {@code image} as PNG into {@code target}, creating missing parent folders.
     *
     * @param image the picture
     * @param target the PNG file to create or replace
     * @throws IOException if the file cannot be written ({@link dev.rnn4j.core.io.FileWriteException}, naming
     *     {@code target}); an existing target is left untouched
     */
    static void write(BufferedImage image, Path target) throws IOException {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(target, "target");
        AtomicFiles.write(target, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer available in this Java runtime");
            }
        });
    }
}
