package dev.lancebridge.normalize;

/**
 * What a Debezium row image left out: Postgres does not send an unchanged TOASTed value, and
 * Debezium puts a placeholder in its place. The row keeps the stored value instead
 * ({@link Row#restored}), and its text is rendered again from it.
 *
 * @param columns     the declared columns (by index) whose value was left out
 * @param parts       the text template's parts as rendered: a literal or a field's text, "" for
 *                    an absent field, null for a field that was left out
 * @param partSources for each part left out, the declared column (by index) that stores its
 *                    value, or {@link #STORED_TEXT} when the template is that field alone
 * @param previousId  the row's id before a primary-key change (whose stored row holds the values), or null
 */
public record Unavailable(int[] columns, String[] parts, int[] partSources, String previousId) {

    /** The part's value is the stored text itself. */
    public static final int STORED_TEXT = -1;
}
