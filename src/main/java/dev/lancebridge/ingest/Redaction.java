package dev.lancebridge.ingest;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps credentials out of what the bridge prints: a URL's password (or its token, when the user
 * part alone is a secret) becomes {@code ***}. Applied to NATS URLs and to the client's messages
 * that may repeat them.
 */
public final class Redaction {

    /** scheme://user:password@ or scheme://token@ */
    private static final Pattern USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@\\s:,\\[\\]]+)(:[^@\\s/,]*)?@");

    private Redaction() {
    }

    /** {@code text} with the credentials of every URL in it replaced by {@code ***}. */
    public static String urls(String text) {
        if (text == null) {
            return null;
        }
        Matcher matcher = USER_INFO.matcher(text);
        StringBuilder redacted = new StringBuilder();
        while (matcher.find()) {
            String kept = matcher.group(3) == null ? "***" : matcher.group(2) + ":***";
            matcher.appendReplacement(redacted, Matcher.quoteReplacement(matcher.group(1) + kept + "@"));
        }
        return matcher.appendTail(redacted).toString();
    }
}
