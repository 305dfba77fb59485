package dev.rnn4j.text.lm;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The characters a language model knows, as ids {@code 0..size-1} in code-point order (Unicode code points, so a
 * character outside the Basic Multilingual Plane is one character, not two).
 */
public final class CharVocabulary {
    private final int[] codePoints;
    private final Map<Integer, Integer> ids = new HashMap<>();

    private CharVocabulary(int[] codePoints) {
        this.codePoints = codePoints;
        for (int i = 0; i < codePoints.length; i++) {
            ids.put(codePoints[i], i);
        }
    }

    /** @return the vocabulary of every character in {@code text} */
    public static CharVocabulary of(String text) {
        return new CharVocabulary(text.codePoints().distinct().sorted().toArray());
    }

    /** @return the vocabulary whose characters are those of {@code characters}, in their order, as saved */
    public static CharVocabulary fromSaved(String characters) {
        int[] points = characters.codePoints().toArray();
        if (points.length == 0 || Arrays.stream(points).distinct().count() != points.length) {
            throw new IllegalArgumentException("expected a vocabulary of distinct characters, found "
                    + points.length + " characters with repeats or none");
        }
        return new CharVocabulary(points);
    }

    /** @return the characters in id order, the form {@link #fromSaved} reads */
    public String characters() {
        return new String(codePoints, 0, codePoints.length);
    }

    public int size() {
        return codePoints.length;
    }

    /** @return the character of an id, as a string */
    public String character(int id) {
        return new String(Character.toChars(codePoints[id]));
    }

    /**
     * @param text   text of known characters
     * @param source what the text is, for messages
     * @return its ids
     * @throws IllegalArgumentException naming the first unknown character, its position and the vocabulary's size
     */
    public int[] encode(String text, String source) {
        int[] points = text.codePoints().toArray();
        int[] encoded = new int[points.length];
        for (int i = 0; i < points.length; i++) {
            Integer id = ids.get(points[i]);
            if (id == null) {
                throw new IllegalArgumentException(source + ": character " + describe(points[i]) + " at position " + i
                        + " is not among the " + codePoints.length + " characters the model was trained on; expected"
                        + " only those");
            }
            encoded[i] = id;
        }
        return encoded;
    }

    static String describe(int codePoint) {
        String shown = Character.isISOControl(codePoint) || Character.isWhitespace(codePoint) ? ""
                : "'" + new String(Character.toChars(codePoint)) + "' ";
        return shown + String.format(java.util.Locale.ROOT, "(U+%04X)", codePoint);
    }
}
