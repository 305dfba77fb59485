package dev.rnn4j.mnist.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Writes PNG files so that a reader never sees a half-written picture: the image is encoded into a
 * temporary file in the target folder, then moved over the target.
 */
final class PngFiles {

    /** Suffix of the temporary files; they are hidden ({@code .name.123.part}) and removed on failure. */
    static final String TEMP_SUFFIX = ".part";

    private static final SecureRandom RANDOM = new SecureRandom();

    private PngFiles() {}

    /**
     * Encodes {@code image} as PNG into {@code target}, creating missing parent folders. The bytes
     * go to a temporary file next to the target first, which is then moved into place with
     * {@link StandardCopyOption#ATOMIC_MOVE}, or with {@link StandardCopyOption#REPLACE_EXISTING}
     * where the file system cannot move atomically.
     *
     * @param image the picture
     * @param target the PNG file to create or replace
     * @throws IOException if the folder cannot be created or the file cannot be written or moved;
     *     the temporary file is deleted and an existing target is left untouched
     */
    static void write(BufferedImage image, Path target) throws IOException {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(target, "target");
        Path absolute = target.toAbsolutePath().normalize();
        Path fileName = absolute.getFileName();
        if (fileName == null) {
            throw new IllegalArgumentException("png must name a file, found " + target);
        }
        Path folder = absolute.getParent();
        Files.createDirectories(folder);
        if (Files.isDirectory(absolute)) {
            throw new IOException("cannot write picture: " + absolute + " is a folder");
        }
        // Not Files.createTempFile: that makes the file owner-only (0600) on POSIX systems, and the
        // picture should get the same permissions as any other file the program writes.
        Path temp = folder.resolve("." + fileName + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + TEMP_SUFFIX);
        OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            try (out) {
                if (!ImageIO.write(image, "png", out)) {
                    throw new IOException("no PNG writer available in this Java runtime");
                }
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }
}
