package dev.lancebridge.ingest;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RedactionTest {

    @Test
    void passwordsAndTokensInUrlsBecomeStars() {
        assertEquals("nats://bridge:***@nats:4222", Redaction.urls("nats://bridge:s3cret@nats:4222"));
        assertEquals("nats://***@nats:4222", Redaction.urls("nats://t0ken@nats:4222"));
        assertEquals("Unable to connect to NATS servers: [nats://u:***@a:4222, tls://***@b:4222]",
                Redaction.urls("Unable to connect to NATS servers: [nats://u:p@a:4222, tls://tok@b:4222]"));
        assertEquals("nats://127.0.0.1:4222", Redaction.urls("nats://127.0.0.1:4222"));
        assertEquals("mail me at someone@example.com", Redaction.urls("mail me at someone@example.com"));
        assertNull(Redaction.urls(null));
    }
}
