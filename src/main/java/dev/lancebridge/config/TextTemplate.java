package dev.lancebridge.config;

import com.fasterxml.jackson.core.JsonPointer;

import java.util.ArrayList;
import java.util.List;

/**
 * The text a table embeds and searches, made of payload fields: {@code {title}: {body}}. A
 * placeholder is a JSON pointer, its leading slash optional ({@code {meta/title}} is
 * {@code /meta/title}); {@code {{} and {@code }}} stand for literal braces.
 */
public record TextTemplate(String source, List<Part> parts) {

    /** Literal text, or the field at a pointer. */
    public record Part(String literal, JsonPointer field) {

        public boolean isField() {
            return field != null;
        }

        /** The field's name as a message shows it: {@code title}, {@code meta/title}. */
        public String label() {
            return field.toString().substring(1);
        }
    }

    public static TextTemplate parse(String source) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if ((c == '{' || c == '}') && i + 1 < source.length() && source.charAt(i + 1) == c) {
                literal.append(c);
                i += 2;
            } else if (c == '{') {
                int end = source.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException("'{' at position " + i + " has no closing '}' in '" + source + "'");
                }
                String name = source.substring(i + 1, end).trim();
                if (name.isEmpty() || name.equals("/")) {
                    throw new IllegalArgumentException("empty placeholder '{}' in '" + source + "'");
                }
                if (!literal.isEmpty()) {
                    parts.add(new Part(literal.toString(), null));
                    literal.setLength(0);
                }
                parts.add(new Part(null, TableDeclaration.pointer(name)));
                i = end + 1;
            } else if (c == '}') {
                throw new IllegalArgumentException("'}' at position " + i + " closes no placeholder in '" + source
                        + "' (write '}}' for a literal brace)");
            } else {
                literal.append(c);
                i++;
            }
        }
        if (!literal.isEmpty()) {
            parts.add(new Part(literal.toString(), null));
        }
        if (parts.stream().noneMatch(Part::isField)) {
            throw new IllegalArgumentException("'" + source + "' names no payload field; write the field in braces, e.g. {text}");
        }
        return new TextTemplate(source, List.copyOf(parts));
    }

    public List<Part> fields() {
        return parts.stream().filter(Part::isField).toList();
    }
}
