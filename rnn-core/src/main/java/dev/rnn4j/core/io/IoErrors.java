package dev.rnn4j.core.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * The cause of an I/O failure in words a user reads in one line ({@code no space left on device}, {@code permission
 * denied}), without the exception's class name or the temporary file it happened to name.
 */
public final class IoErrors {
    private IoErrors() {
    }

    /**
     * @param failure what went wrong
     * @return its cause in words, lower case first: the operating system's reason where it gave one
     */
    public static String cause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root && (root.getMessage() == null
                || root instanceof java.io.UncheckedIOException || root instanceof FileWriteException)) {
            root = root.getCause();
        }
        if (root instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (root instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (root instanceof FileAlreadyExistsException) {
            return "a file of that name is in the way";
        }
        if (root instanceof NotDirectoryException) {
            return "a file stands where a folder is expected";
        }
        if (root instanceof DirectoryNotEmptyException) {
            return "the folder is not empty";
        }
        String text = root instanceof FileSystemException system && system.getReason() != null ? system.getReason()
                : root.getMessage();
        if (text == null || text.isBlank()) {
            return root.getClass().getSimpleName();
        }
        text = text.strip();
        if (text.length() > 1 && Character.isUpperCase(text.charAt(0)) && !Character.isUpperCase(text.charAt(1))) {
            text = text.substring(0, 1).toLowerCase(Locale.ROOT) + text.substring(1);
        }
        return text;
    }

    /**
     * @param failure an I/O failure
     * @return whether it is the file system running out of room (ENOSPC, or a quota: EDQUOT)
     */
    public static boolean isOutOfSpace(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String text = cause instanceof FileSystemException system && system.getReason() != null
                    ? system.getReason() : cause.getMessage();
            if (text != null && (text.contains("No space left on device") || text.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param operation what was being done, as {@code "cannot write"}
     * @param path      the file as the user named it
     * @param failure   what went wrong
     * @return {@code <operation> <path>: <cause>}
     */
    public static String describe(String operation, Object path, IOException failure) {
        return operation + " " + path + ": " + cause(failure);
    }

    /**
     * Escapes the control characters a corrupt file can put into a message (an entry or file name with a line break:
     * {@code \n}, {@code \r}, {@code \t}, others as {@code \}{@code uXXXX}), so the message stays one line and
     * cannot forge lines of a log.
     *
     * @param message a message, or null
     * @return the message on one line
     */
    public static String oneLine(String message) {
        if (message == null || message.chars().noneMatch(IoErrors::isControl)) {
            return message;
        }
        StringBuilder text = new StringBuilder(message.length() + 16);
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> {
                    if (isControl(c)) {
                        text.append(String.format("\\u%04x", (int) c));
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        return text.toString();
    }

    /** C0 and C1 control characters, DEL, and Unicode's line and paragraph separators. */
    private static boolean isControl(int c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029;
    }

    /**
     * The one line an application prints after {@code error: } for a failure: the message of rnn4j's own errors, the
     * file and the reason for the JDK's file-system errors, and a hint to Java's memory option when memory ran out.
     *
     * @param failure what ended the command
     * @return the line, without a class name unless the failure has no message
     */
    public static String oneLine(Throwable failure) {
        Throwable cause = failure;
        if (cause instanceof java.io.UncheckedIOException unchecked) {
            cause = unchecked.getCause();
        }
        if (cause instanceof OutOfMemoryError) {
            return "out of memory (" + cause.getMessage() + "): choose a smaller model or batch, or give Java more"
                    + " with java -Xmx<size> -jar ...";
        }
        String text = cause.getMessage();
        if (cause instanceof java.nio.file.NoSuchFileException missing) {
            return "file not found: " + missing.getFile() + (missing.getReason() == null ? ""
                    : " (" + missing.getReason() + ")");
        }
        if (cause instanceof java.nio.file.FileSystemException system && system.getFile() != null) {
            // The JDK's exceptions name a file and a reason: say both in words, without the class name.
            return "cannot use " + system.getFile() + (system.getOtherFile() == null ? ""
                    : " and " + system.getOtherFile()) + ": " + cause(system);
        }
        if (text == null || text.isBlank()) {
            return cause.getClass().getSimpleName() + " (run with --debug for where it happened)";
        }
        if (cause instanceof IOException && !cause.getClass().getName().startsWith("dev.rnn4j")
                && cause.getClass() != IOException.class) {
            return cause(cause);
        }
        return text;
    }
}
