package dev.rnn4j.text.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Words for the classifier: lower-cased runs of letters, digits and apostrophes, and every other non-space character
 * as a token of its own ({@code $}, {@code !}, {@code <}); ids {@code 2..} for the vocabulary's tokens, most frequent
 * first, {@code 1} for a token outside it and {@code 0} for padding (Keras's {@code TextVectorization} with
 * {@code mask_token} and {@code oov_token}). A document's first {@code maxTokens} tokens are kept; of an e-mail, those
 * of its subject, sender, content type and body ({@link MailText}).
 */
public final class WordTokenizer {
    /** Id of padding (masked by the embedding). */
    public static final int PAD = 0;
    /** Id of a token outside the vocabulary. */
    public static final int OOV = 1;
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}'_]+|[^\\s\\p{L}\\p{N}'_]");

    private final List<String> tokens;
    private final Map<String, Integer> ids = new HashMap<>();
    private final int maxTokens;

    private WordTokenizer(List<String> tokens, int maxTokens) {
        this.tokens = List.copyOf(tokens);
        this.maxTokens = maxTokens;
        for (int i = 0; i < tokens.size(); i++) {
            ids.put(tokens.get(i), i + 2);
        }
    }

    /**
     * @param texts     the training documents only
     * @param size      tokens kept at most, the most frequent (ties in first-seen order)
     * @param minCount  the least count of a kept token
     * @param maxTokens tokens kept per document
     * @return the tokenizer
     */
    public static WordTokenizer fit(List<String> texts, int size, int minCount, int maxTokens) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (String text : texts) {
            for (String token : split(text, maxTokens)) {
                counts.computeIfAbsent(token, key -> new int[1])[0]++;
            }
        }
        List<Map.Entry<String, int[]>> entries = new ArrayList<>(counts.entrySet());
        entries.removeIf(entry -> entry.getValue()[0] < minCount);
        entries.sort((a, b) -> Integer.compare(b.getValue()[0], a.getValue()[0]));
        List<String> kept = entries.subList(0, Math.min(size, entries.size())).stream().map(Map.Entry::getKey).toList();
        return new WordTokenizer(kept, maxTokens);
    }

    /** @return the tokenizer saved as {@link #tokens()} and {@link #maxTokens()} */
    public static WordTokenizer restore(List<String> tokens, int maxTokens) {
        return new WordTokenizer(tokens, maxTokens);
    }

    static List<String> split(String text, int maxTokens) {
        List<String> out = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(MailText.of(text));
        while (out.size() < maxTokens && matcher.find()) {
            out.add(matcher.group().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** @return the document's ids, at least one (an empty document is one OOV token) */
    public int[] encode(String text) {
        List<String> words = split(text, maxTokens);
        if (words.isEmpty()) {
            return new int[] {OOV};
        }
        int[] out = new int[words.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.getOrDefault(words.get(i), OOV);
        }
        return out;
    }

    /** @return the vocabulary's tokens in id order (id 2 first) */
    public List<String> tokens() {
        return tokens;
    }

    /** @return ids the embedding needs: the vocabulary, padding and OOV */
    public int idCount() {
        return tokens.size() + 2;
    }

    public int maxTokens() {
        return maxTokens;
    }

    /** @return the share of the encoded documents' tokens outside the vocabulary */
    public static double oovRate(List<int[]> documents) {
        long oov = 0;
        long all = 0;
        for (int[] encoded : documents) {
            all += encoded.length;
            oov += Arrays.stream(encoded).filter(id -> id == OOV).count();
        }
        return all == 0 ? 0 : (double) oov / all;
    }
}
