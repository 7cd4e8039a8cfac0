package com.ncvault.machine;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A serial device server in raw TCP mode in front of the control's RS-232 port. The bytes go out
 * paced at {@code bytesPerSecond} (what the baud rate allows the control to take: 9600 baud 8N1 is
 * 960 bytes per second), since a device server with a small buffer drops what the line cannot
 * carry. Nothing comes back to verify: the SHA-256 reported is the one of the bytes sent.
 */
public final class TcpTransport implements Transport {
    /** Pacing works in slices this long: small enough to stay even, large enough to be cheap. */
    private static final long SLICE_NANOS = 50_000_000L;
    private final Settings settings;

    public record Settings(String host, int port, int bytesPerSecond, Duration connectTimeout) {
        public Settings {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("a TCP host is required");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("the port must be 1 to 65535");
            }
            if (bytesPerSecond < 0) {
                throw new IllegalArgumentException("bytesPerSecond is 0 (unpaced) or more");
            }
            connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        }
    }

    public TcpTransport(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String kind() {
        return "tcp";
    }

    @Override
    public Delivery send(String name, byte[] content) throws IOException {
        ProgramNames.require(name);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(settings.host(), settings.port()),
                    (int) settings.connectTimeout().toMillis());
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            int rate = settings.bytesPerSecond();
            if (rate == 0) {
                out.write(content);
            } else {
                int slice = (int) Math.max(1, rate * SLICE_NANOS / 1_000_000_000L);
                long start = System.nanoTime();
                for (int offset = 0; offset < content.length; offset += slice) {
                    int n = Math.min(slice, content.length - offset);
                    out.write(content, offset, n);
                    out.flush();
                    long due = start + (offset + n) * 1_000_000_000L / rate;
                    for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(wait);
                        if (Thread.interrupted()) {
                            Thread.currentThread().interrupt();
                            throw new IOException("the transfer was interrupted");
                        }
                    }
                }
            }
            out.flush();
            socket.shutdownOutput();
        }
        return new Delivery(content.length, Sha256.of(content), false);
    }
}
