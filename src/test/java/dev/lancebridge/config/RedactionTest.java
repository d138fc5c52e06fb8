package dev.lancebridge.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RedactionTest {

    @Test
    void passwordsAndTokensInUrlsBecomeStars() {
        assertEquals("nats://bridge:***@nats:4222", Redaction.secrets("nats://bridge:s3cret@nats:4222"));
        assertEquals("nats://***@nats:4222", Redaction.secrets("nats://t0ken@nats:4222"));
        assertEquals("Unable to connect to NATS servers: [nats://u:***@a:4222, tls://***@b:4222]",
                Redaction.secrets("Unable to connect to NATS servers: [nats://u:p@a:4222, tls://tok@b:4222]"));
        assertEquals("nats://127.0.0.1:4222", Redaction.secrets("nats://127.0.0.1:4222"));
        assertEquals("mail me at someone@example.com", Redaction.secrets("mail me at someone@example.com"));
        assertNull(Redaction.secrets(null));
    }

    @Test
    void credentialsInOtherSystemsErrorTextsBecomeStars() {
        assertEquals("Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com",
                Redaction.secrets("Incorrect API key provided: sk-proj-abcdefghijklmnop1234. You can find your API key at https://platform.openai.com"));
        assertEquals("sent Authorization: Bearer *** to the endpoint", Redaction.secrets("sent Authorization: Bearer abc.def-ghi_jkl to the endpoint"));
        assertEquals("{\"api_key\": \"***\", \"model\": \"m\"}", Redaction.secrets("{\"api_key\": \"hunter2hunter2\", \"model\": \"m\"}"));
        assertEquals("x-api-key: *** refused", Redaction.secrets("x-api-key: abcd1234efgh refused"));
        assertEquals("password=*** token=***", Redaction.secrets("password=s3cr3t! token=t0k3n"));
        assertEquals("seed ***", Redaction.secrets("seed SUAMK2FG4MI6UE3ACF3FK3OIQBCEIEZV7NSWFFEW63UXMRLFM2XLAXK4GY"));
        // what is not a credential stays as it was
        String ordinary = "table events: 12 rows, max_tokens 512, tokenizer ready, key 'id' missing";
        assertEquals(ordinary, Redaction.secrets(ordinary));
    }

    @Test
    void configuredSecretsAreFoundWhereverTheyAppear() {
        Redaction.know(java.util.List.of("planted-key-0123456789", "short", "planted-key-0123456789-longer"));
        try {
            assertEquals("the endpoint said: unknown key *** (and ***)",
                    Redaction.secrets("the endpoint said: unknown key planted-key-0123456789 (and planted-key-0123456789-longer)"));
            assertEquals("a short word stays", Redaction.secrets("a short word stays"));
        } finally {
            Redaction.know(java.util.List.of());
        }
    }

    @Test
    void anExceptionChainIsCopiedOnlyWhenItHoldsASecret() {
        IllegalStateException clean = new IllegalStateException("nothing to hide", new java.io.IOException("nor here"));
        org.junit.jupiter.api.Assertions.assertSame(clean, Redaction.throwable(clean));
        IllegalStateException leaking = new IllegalStateException("outer", new java.io.IOException("sent Bearer abcdefgh12345"));
        Throwable copy = Redaction.throwable(leaking);
        assertEquals("java.lang.IllegalStateException: outer", copy.toString());
        assertEquals("java.io.IOException: sent Bearer ***", copy.getCause().toString());
        org.junit.jupiter.api.Assertions.assertArrayEquals(leaking.getCause().getStackTrace(), copy.getCause().getStackTrace());
    }
}
