package dev.lancebridge.api;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The response body of a streamed answer. A write that fails means the client went away (closed
 * the connection after the rows it wanted, or timed out): {@link Gone}, told apart from a failure
 * to read the table, which stays an error.
 */
public final class ClientStream extends FilterOutputStream {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ClientStream.class);

    private ClientStream(OutputStream out) {
        super(out);
    }

    /** A 200 whose body is {@code answer}, written as the client reads it; a client that goes away ends it quietly. */
    public static jakarta.ws.rs.core.Response response(dev.lancebridge.search.StreamedAnswer answer, String mediaType) {
        jakarta.ws.rs.core.StreamingOutput body = out -> {
            try {
                answer.writeTo(new ClientStream(out));
            } catch (Gone e) {
                // the status went out long ago: nothing to answer, and nothing wrong with the bridge
                LOG.debugf("client went away mid-answer: %s", e.getMessage());
            }
        };
        return jakarta.ws.rs.core.Response.ok(body, mediaType).build();
    }

    @Override
    public void write(int b) {
        try {
            out.write(b);
        } catch (IOException e) {
            throw new Gone(e);
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        try {
            out.write(bytes, offset, length);
        } catch (IOException e) {
            throw new Gone(e);
        }
    }

    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new Gone(e);
        }
    }

    /** The client stopped reading. */
    static final class Gone extends RuntimeException {
        Gone(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
