package dev.rnn4j.text.classify;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the classifier reads of an e-mail: its headers but the transport ones (the envelope line, Received,
 * Delivered-To, Return-Path, Message-Id, Date), which say more about the mail servers that collected a corpus and
 * when than about the message, then the body. A document that does not begin with a header block is read whole.
 */
final class MailText {
    private static final Pattern HEADER = Pattern.compile("^(From |[A-Za-z][A-Za-z0-9-]*:)");
    private static final Set<String> DROPPED = Set.of("received", "delivered-to", "return-path", "message-id",
            "date");

    private MailText() {
    }

    static String of(String document) {
        if (!HEADER.matcher(document).lookingAt()) {
            return document;
        }
        int end = document.indexOf("\n\n");
        int crlf = document.indexOf("\r\n\r\n");
        if (crlf >= 0 && (end < 0 || crlf < end)) {
            end = crlf;
        }
        if (end < 0) {
            return document;
        }
        StringBuilder kept = new StringBuilder();
        String name = null;
        for (String line : document.substring(0, end).split("\r?\n")) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                if (name != null && !DROPPED.contains(name)) {
                    kept.append(' ').append(line.strip());
                }
                continue;
            }
            int colon = line.indexOf(':');
            name = colon > 0 && !line.startsWith("From ") ? line.substring(0, colon).toLowerCase(Locale.ROOT)
                    : null;
            if (name != null && !DROPPED.contains(name)) {
                kept.append('\n').append(line);
            }
        }
        return kept.append('\n').append(document, end, document.length()).toString();
    }
}
