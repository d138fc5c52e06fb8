package dev.lancebridge.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.Map;

/**
 * BERT's uncased WordPiece tokenizer, read from a Hugging Face {@code tokenizer.json} and run the
 * way Hugging Face's tokenizers runs it (BertNormalizer, BertPreTokenizer, WordPiece), in Java: no
 * native library, and a batch of texts costs no JNI call per text. {@code WordPieceTest} holds it
 * to the Rust implementation token for token.
 */
final class WordPiece {

    private static final String CONTINUATION = "##";

    private final Map<String, Integer> vocabulary;
    /** Tokens matched in the raw text before anything else ([CLS], [SEP], ...), as the Rust tokenizer does. */
    private final Map<String, Integer> added;
    private final int unknown;
    private final int classification;
    private final int separator;
    private final int maxCharsPerWord;
    /** The tokenizer's truncation (special tokens included), or 0 for none. */
    private final int maxLength;

    private WordPiece(Map<String, Integer> vocabulary, Map<String, Integer> added, String unknownToken, int maxCharsPerWord,
                      int maxLength) {
        this.vocabulary = vocabulary;
        this.added = added;
        this.unknown = id(unknownToken);
        this.classification = id("[CLS]");
        this.separator = id("[SEP]");
        this.maxCharsPerWord = maxCharsPerWord;
        this.maxLength = maxLength;
    }

    private int id(String token) {
        Integer id = vocabulary.get(token);
        if (id == null) {
            throw new IllegalStateException("the tokenizer's vocabulary has no " + token);
        }
        return id;
    }

    /** The tokenizer a {@code tokenizer.json} describes; refused unless it is the uncased BERT pipeline this class runs. */
    static WordPiece read(InputStream tokenizerJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(tokenizerJson);
        JsonNode normalizer = root.path("normalizer");
        JsonNode model = root.path("model");
        boolean supported = "BertNormalizer".equals(normalizer.path("type").asText())
                && normalizer.path("clean_text").asBoolean() && normalizer.path("handle_chinese_chars").asBoolean()
                && normalizer.path("lowercase").asBoolean()
                && (normalizer.path("strip_accents").isNull() || normalizer.path("strip_accents").asBoolean())
                && "BertPreTokenizer".equals(root.path("pre_tokenizer").path("type").asText())
                && "WordPiece".equals(model.path("type").asText())
                && CONTINUATION.equals(model.path("continuing_subword_prefix").asText());
        if (!supported) {
            throw new IllegalStateException("not an uncased BERT WordPiece tokenizer: " + normalizer + ", " + root.path("pre_tokenizer"));
        }
        Map<String, Integer> vocabulary = new HashMap<>();
        model.path("vocab").fields().forEachRemaining(entry -> vocabulary.put(entry.getKey(), entry.getValue().asInt()));
        Map<String, Integer> added = new HashMap<>();
        for (JsonNode token : root.path("added_tokens")) {
            if (token.path("single_word").asBoolean() || token.path("lstrip").asBoolean() || token.path("rstrip").asBoolean()
                    || token.path("normalized").asBoolean()) {
                throw new IllegalStateException("added token matched other than verbatim: " + token);
            }
            added.put(token.path("content").asText(), token.path("id").asInt());
        }
        return new WordPiece(vocabulary, added, model.path("unk_token").asText(), model.path("max_input_chars_per_word").asInt(100),
                root.path("truncation").path("max_length").asInt(0));
    }

    /**
     * The most tokens a model input holds, [CLS] and [SEP] included: the tokenizer's truncation
     * (all-MiniLM-L6-v2's: 128), else BERT's 512 positions. A longer text counts by its beginning,
     * as in LangChain4j (DJL truncates to the same lengths).
     */
    int maxLength() {
        return maxLength > 0 ? maxLength : 512;
    }

    int classificationId() {
        return classification;
    }

    int separatorId() {
        return separator;
    }

    /** The token ids of {@code text}, without the [CLS] and [SEP] around it. */
    int[] encode(String text) {
        IntList ids = new IntList(text.length() / 3 + 4);
        int from = 0;
        while (from < text.length()) {
            // the leftmost added token, the longest of those starting there
            int at = text.length();
            String match = null;
            for (String token : added.keySet()) {
                int found = text.indexOf(token, from);
                if (found >= 0 && (found < at || (found == at && token.length() > match.length()))) {
                    at = found;
                    match = token;
                }
            }
            encodeSegment(text.substring(from, at), ids);
            if (match == null) {
                break;
            }
            ids.add(added.get(match));
            from = at + match.length();
        }
        return ids.toArray();
    }

    private void encodeSegment(String segment, IntList ids) {
        StringBuilder word = new StringBuilder();
        String normalized = normalize(segment);
        for (int i = 0; i < normalized.length(); ) {
            int c = normalized.codePointAt(i);
            i += Character.charCount(c);
            if (isWhitespace(c)) {
                addWord(word, ids);
            } else if (isPunctuation(c)) {
                addWord(word, ids);
                word.appendCodePoint(c);
                addWord(word, ids);
            } else {
                word.appendCodePoint(c);
            }
        }
        addWord(word, ids);
    }

    /** BertNormalizer: drop control characters, whitespace to spaces, CJK ideographs spaced apart, accents stripped, lower case. */
    private static String normalize(String text) {
        StringBuilder cleaned = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == 0 || c == 0xFFFD || isControl(c)) {
                continue;
            }
            if (isWhitespace(c)) {
                cleaned.append(' ');
            } else if (isChinese(c)) {
                cleaned.append(' ').appendCodePoint(c).append(' ');
            } else {
                cleaned.appendCodePoint(c);
            }
        }
        String decomposed = Normalizer.normalize(cleaned, Normalizer.Form.NFD);
        StringBuilder stripped = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); ) {
            int c = decomposed.codePointAt(i);
            i += Character.charCount(c);
            if (Character.getType(c) != Character.NON_SPACING_MARK) {
                // per character, as the Rust normalizer does: no final sigma from context
                stripped.appendCodePoint(Character.toLowerCase(c));
            }
        }
        return stripped.toString();
    }

    /** WordPiece: the longest vocabulary entry first, then {@code ##} pieces; a word that does not split is [UNK]. */
    private void addWord(StringBuilder word, IntList ids) {
        if (word.isEmpty()) {
            return;
        }
        String text = word.toString();
        word.setLength(0);
        if (text.codePointCount(0, text.length()) > maxCharsPerWord) {
            ids.add(unknown);
            return;
        }
        int mark = ids.size();
        int start = 0;
        while (start < text.length()) {
            int end = text.length();
            Integer piece = null;
            while (start < end) {
                String candidate = start == 0 ? text.substring(start, end) : CONTINUATION + text.substring(start, end);
                piece = vocabulary.get(candidate);
                if (piece != null) {
                    break;
                }
                end = text.offsetByCodePoints(end, -1);
            }
            if (piece == null) {
                ids.truncate(mark);
                ids.add(unknown);
                return;
            }
            ids.add(piece);
            start = end;
        }
    }

    /** Rust's {@code char::is_whitespace} (Unicode White_Space), which differs from {@link Character#isWhitespace}. */
    private static boolean isWhitespace(int c) {
        return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    private static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE || type == Character.SURROGATE;
    }

    private static boolean isPunctuation(int c) {
        if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    private static boolean isChinese(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    /** A growable int array: a text's ids without boxing. */
    private static final class IntList {
        private int[] values;
        private int size;

        IntList(int capacity) {
            values = new int[Math.max(capacity, 8)];
        }

        void add(int value) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int size() {
            return size;
        }

        void truncate(int length) {
            size = length;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
