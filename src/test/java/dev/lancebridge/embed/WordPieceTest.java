package dev.lancebridge.embed;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.lancebridge.support.WordNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java WordPiece against Hugging Face's Rust tokenizer (through DJL, what LangChain4j runs), id for id. */
class WordPieceTest {

    /** Texts where a tokenizer goes wrong: accents, CJK, punctuation of every kind, controls, odd spaces, casing. */
    static final List<String> HARD = List.of(
            "Café naïve façade résumé Ångström", "我爱北京天安门 and 東京", "don't-stop(now)!? «quoted» “curly” — dash… ok",
            "a\u0000b\u0001c\u200bd\u00ade\ufffdf", "tab\tnew\nline\r\nnbsp\u00a0thin\u2009ideographic\u3000end",
            "emoji 👍🏽 and 🧪 in text", "ΟΔΟΣ Σίσυφος", "İstanbul ĲSSELMEER ß ﬁ", "x".repeat(101) + " after", "[CLS] a [SEP][MASK]x[UNK]",
            "Ünïcödé NFD: e\u0301 vs é", "$100 + 5% = <sum> ^ `code` | ~home", "", "   ", "Ǆemal ǅ ǆ", "Привет, мир! Ёлка",
            "مرحبا بالعالم", "नमस्ते दुनिया", "ｆｕｌｌｗｉｄｔｈ ＡＢＣ", "3.14159 1,000,000 2026-12-04T23:18:15Z", "[cls] [Sep] [UNK");

    @ParameterizedTest
    @ValueSource(strings = {"all-minilm-l6-v2-tokenizer.json", "bge-small-en-v1.5-q-tokenizer.json"})
    void givesTheRustTokenizersIdsOnWordNetAndHardTexts(String resource) throws Exception {
        WordPiece wordPiece;
        try (InputStream json = resource(resource)) {
            wordPiece = WordPiece.read(json);
        }
        List<String> texts = new ArrayList<>(HARD);
        texts.addAll(WordNet.glosses(20_000));
        try (InputStream json = resource(resource);
             HuggingFaceTokenizer rust = HuggingFaceTokenizer.newInstance(json, Map.of("padding", "false", "truncation", "false"))) {
            for (String text : texts) {
                long[] expected = rust.encode(text, false, false).getIds();
                int[] actual = wordPiece.encode(text);
                assertArrayEquals(expected, Arrays.stream(actual).asLongStream().toArray(), () -> "ids of '" + text + "'");
            }
        }
    }

    @Test
    void truncatesAsTheTokenizerFileSays() throws Exception {
        try (InputStream miniLm = resource("all-minilm-l6-v2-tokenizer.json"); InputStream bge = resource("bge-small-en-v1.5-q-tokenizer.json")) {
            WordPiece truncating = WordPiece.read(miniLm);
            assertEquals(128, truncating.maxLength());
            assertEquals(512, WordPiece.read(bge).maxLength(), "no truncation in the file: BERT's positions");
            assertEquals(101, truncating.classificationId());
            assertEquals(102, truncating.separatorId());
        }
    }

    @Test
    void refusesATokenizerItDoesNotRun() {
        String cased = "{\"normalizer\": {\"type\": \"BertNormalizer\", \"clean_text\": true, \"handle_chinese_chars\": true,"
                + " \"strip_accents\": null, \"lowercase\": false}, \"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"},"
                + " \"model\": {\"type\": \"WordPiece\", \"continuing_subword_prefix\": \"##\", \"vocab\": {}}}";
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> WordPiece.read(new java.io.ByteArrayInputStream(cased.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        assertTrue(refused.getMessage().contains("not an uncased BERT WordPiece tokenizer"), refused.getMessage());
    }

    static InputStream resource(String name) {
        return WordPieceTest.class.getClassLoader().getResourceAsStream(name);
    }
}
