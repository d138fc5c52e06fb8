package dev.lancebridge.api;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The response body of a streamed answer. A write that fails means the client went away (closed
 * the connection after the rows it wanted, or timed out): {@link Gone}, told apart from a failure
 * to read the table, which stays an error.
 */
final class ClientStream extends FilterOutputStream {

    ClientStream(OutputStream out) {
        super(out);
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
