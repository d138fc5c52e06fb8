package dev.lancebridge.ingest;

import io.nats.client.impl.SocketDataPortWithWriteTimeout;

import java.io.IOException;

/**
 * jnats's socket (with its write timeout, as by default) whose inbound bytes pass through a
 * {@link HeaderGuard}, so that no message a producer can send kills the connection's reader.
 * jnats creates one per connection attempt by class name ({@code Options.dataPortType}).
 */
public class GuardedDataPort extends SocketDataPortWithWriteTimeout {

    private final HeaderGuard guard = new HeaderGuard();
    private final byte[] chunk = new byte[64 * 1024];

    @Override
    public int read(byte[] dst, int off, int len) throws IOException {
        while (!guard.hasOutput()) {
            int read = super.read(chunk, 0, chunk.length);
            if (read <= 0) {
                return read;
            }
            guard.accept(chunk, 0, read);
        }
        return guard.drainTo(dst, off, len);
    }
}
