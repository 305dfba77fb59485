package dev.rnn4j.text.classify;

import dev.rnn4j.text.TextFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Labelled documents, as Keras's {@code text_dataset_from_directory} reads them: one subfolder per class (classes in
 * name order), one document per file; exact duplicates removed (the first in path order kept), then a stratified,
 * seeded split.
 */
public final class Documents {
    /** A document: its file, class and text. */
    public record Document(Path file, int label, String text) {
    }

    /** The documents of a folder, deduplicated. */
    public record Corpus(List<String> classes, List<Document> documents, int duplicates) {
        /** @return documents per class */
        public int[] counts() {
            int[] counts = new int[classes.size()];
            documents.forEach(document -> counts[document.label()]++);
            return counts;
        }
    }

    private Documents() {
    }

    /**
     * @param folder  one subfolder per class
     * @param option  the option that named it, for messages
     * @param classes the class of each subfolder, by subfolder name (another mapping than one class per folder,
     *                as the built-in SpamAssassin's groups); null for one class per subfolder
     * @return the documents
     * @throws IOException when the folder cannot be read, or does not hold two classes of documents
     */
    public static Corpus read(Path folder, String option, Map<String, String> classes) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(option + " " + folder + ": expected a folder with one subfolder per"
                    + " class, found " + (Files.exists(folder) ? "a file" : "nothing"));
        }
        List<Path> subfolders;
        try (Stream<Path> list = Files.list(folder)) {
            subfolders = list.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
        Map<String, List<Path>> byClass = new LinkedHashMap<>();
        for (Path sub : subfolders) {
            String name = sub.getFileName().toString();
            String label = classes == null ? name : classes.get(name);
            if (label == null) {
                continue;
            }
            List<Path> files = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(sub)) {
                walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                        .filter(p -> classes == null || p.getFileName().toString().endsWith(".txt"))
                        .sorted().forEach(files::add);
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException(option + " " + folder + ": class folder " + name + " is empty;"
                        + " expected at least one document in each class folder");
            }
            byClass.computeIfAbsent(label, key -> new ArrayList<>()).addAll(files);
        }
        if (byClass.size() < 2) {
            throw new IllegalArgumentException(option + " " + folder + ": expected at least two class subfolders of"
                    + " documents, found " + byClass.size() + (byClass.isEmpty() ? "" : " (" + byClass.keySet() + ")"));
        }
        List<String> names = new ArrayList<>(byClass.keySet());
        if (classes == null) {
            names.sort(null);
        }
        List<Document> documents = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int duplicates = 0;
        for (int label = 0; label < names.size(); label++) {
            for (Path file : byClass.get(names.get(label))) {
                String text = TextFiles.readLenient(file, option + " " + folder);
                if (seen.add(text)) {
                    documents.add(new Document(file, label, text));
                } else {
                    duplicates++;
                }
            }
        }
        return new Corpus(names, documents, duplicates);
    }

    /**
     * @param documents the documents
     * @param fraction  the share of each class that goes to the second part
     * @param seed      the seed of the shuffle within each class
     * @return {@code {first, second}}: each class shuffled with {@code new Random(seed)}, its first
     *         {@code round(n * fraction)} documents in the second part, both parts in the documents' order
     */
    public static List<List<Document>> split(List<Document> documents, int classes, double fraction, long seed) {
        List<List<Document>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        documents.forEach(document -> byClass.get(document.label()).add(document));
        Set<Document> second = new HashSet<>();
        Random random = new Random(seed);
        for (List<Document> members : byClass) {
            List<Document> shuffled = new ArrayList<>(members);
            java.util.Collections.shuffle(shuffled, random);
            second.addAll(shuffled.subList(0, (int) Math.round(members.size() * fraction)));
        }
        List<Document> a = new ArrayList<>();
        List<Document> b = new ArrayList<>();
        documents.forEach(document -> (second.contains(document) ? b : a).add(document));
        return List.of(a, b);
    }
}
