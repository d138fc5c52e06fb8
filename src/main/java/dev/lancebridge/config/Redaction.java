package dev.lancebridge.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps credentials out of what the bridge prints, publishes and answers: log lines (through
 * {@link RedactingLogFilter}), dead-letter headers and HTTP error details. Replaced by {@code ***}:
 * the secrets this run was configured with, a URL's password (or its token, when the user part
 * alone is one), bearer tokens, {@code key=}/{@code token:}/{@code password=} values, OpenAI-style
 * {@code sk-} keys and NKey seeds, wherever another system's error text repeats them.
 */
public final class Redaction {

    /** scheme://user:password@ or scheme://token@ */
    private static final Pattern USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@\\s:,\\[\\]]+)(:[^@\\s/,]*)?@");
    private static final List<Pattern> SHAPES = List.of(
            Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]{6,}"),
            Pattern.compile("(?i)((?:api[_-]?key|x-api-key|token|password|passwd|secret)\"?'?\\s*[:=]\\s*\"?'?)[^\\s\"',;&)}\\]]{4,}"),
            Pattern.compile("(sk-)[A-Za-z0-9_*-]{12,}"),
            Pattern.compile("()\\bS[UOACN][A-Z2-7]{50,}\\b"));
    private static final int SHORTEST_KNOWN = 6;

    /** The configured secrets, longest first (so that one containing another is replaced whole). */
    private static volatile List<String> known = List.of();

    private Redaction() {
    }

    /** Remembers this run's configured secrets (API keys, passwords, tokens) to redact them wherever they appear. */
    public static void know(Collection<String> secrets) {
        known = secrets.stream().filter(Objects::nonNull).map(String::trim).filter(s -> s.length() >= SHORTEST_KNOWN)
                .distinct().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** {@code text} with every credential in it replaced by {@code ***}; null stays null. */
    public static String secrets(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String redacted = text;
        for (String secret : known) {
            redacted = redacted.replace(secret, "***");
        }
        redacted = urls(redacted);
        for (Pattern shape : SHAPES) {
            redacted = shape.matcher(redacted).replaceAll(match -> Matcher.quoteReplacement(match.group(1) + "***"));
        }
        return redacted;
    }

    /** The credentials of every URL in {@code text}. */
    private static String urls(String text) {
        Matcher matcher = USER_INFO.matcher(text);
        StringBuilder redacted = new StringBuilder();
        while (matcher.find()) {
            String kept = matcher.group(3) == null ? "***" : matcher.group(2) + ":***";
            matcher.appendReplacement(redacted, Matcher.quoteReplacement(matcher.group(1) + kept + "@"));
        }
        return matcher.appendTail(redacted).toString();
    }

    /**
     * {@code failure} itself when no message in its cause chain holds a secret; else a copy of the
     * chain (same classes named, same stack traces) with redacted messages, for printing.
     */
    public static Throwable throwable(Throwable failure) {
        boolean holdsSecret = false;
        int depth = 0;
        for (Throwable cause = failure; cause != null && depth < 32; cause = cause.getCause(), depth++) {
            holdsSecret |= !Objects.equals(cause.getMessage(), secrets(cause.getMessage()));
        }
        return holdsSecret ? copy(failure, 0) : failure;
    }

    private static Throwable copy(Throwable failure, int depth) {
        Throwable cause = failure.getCause();
        Redacted copy = new Redacted(failure.getClass().getName(), secrets(failure.getMessage()),
                cause == null || cause == failure || depth >= 32 ? null : copy(cause, depth + 1));
        copy.setStackTrace(failure.getStackTrace());
        return copy;
    }

    /** Prints as the original would: its class name and (redacted) message. */
    private static final class Redacted extends RuntimeException {
        private final String original;

        Redacted(String original, String message, Throwable cause) {
            super(message, cause, false, true);
            this.original = original;
        }

        @Override
        public String toString() {
            return getMessage() == null ? original : original + ": " + getMessage();
        }
    }
}
