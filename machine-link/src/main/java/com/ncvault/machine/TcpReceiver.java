package com.ncvault.machine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Receives programs punched out by a control through a serial device server that connects to this
 * port. A program runs from the first {@code %} tape mark to the second; a sender that never sends
 * the second one is cut at the idle timeout. Leader bytes (NUL) and device-control characters are
 * dropped. One connection at a time (a serial line carries one sender); blocking, on its own thread.
 */
public final class TcpReceiver implements AutoCloseable {
    public static final int DEFAULT_MAX_PROGRAM_BYTES = Inbox.MAX_PROGRAM_BYTES;
    private final String machine;
    private final ServerSocket server;
    private final Duration idleTimeout;
    private final int maxBytes;
    private final Consumer<ImportedProgram> sink;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Socket current;

    private TcpReceiver(String machine, ServerSocket server, Duration idleTimeout, int maxBytes,
                        Consumer<ImportedProgram> sink, Clock clock) {
        this.machine = machine;
        this.server = server;
        this.idleTimeout = idleTimeout;
        this.maxBytes = maxBytes;
        this.sink = sink;
        this.clock = clock;
        this.thread = new Thread(this::acceptLoop, "machine-tcp-receive-" + machine);
        this.thread.setDaemon(true);
    }

    /** Binds {@code host:port} (port 0 picks a free one) and starts receiving. */
    public static TcpReceiver start(String machine, String host, int port, Duration idleTimeout, int maxBytes,
                                    Consumer<ImportedProgram> sink) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            server.close();
            throw e;
        }
        TcpReceiver receiver = new TcpReceiver(machine, server, idleTimeout, maxBytes, sink, Clock.systemUTC());
        receiver.thread.start();
        return receiver;
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try (Socket socket = server.accept()) {
                current = socket;
                socket.setSoTimeout((int) Math.max(1, idleTimeout.toMillis()));
                receive(socket.getInputStream());
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // a broken connection ends that program; the next sender is still accepted
            }
        }
    }

    private void receive(InputStream in) throws IOException {
        ByteArrayOutputStream program = new ByteArrayOutputStream();
        int marks = 0;
        byte[] buffer = new byte[4096];
        while (!closed) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException idle) {
                deliver(program);
                program.reset();
                marks = 0;
                continue;
            }
            if (n < 0) {
                deliver(program);
                return;
            }
            for (int i = 0; i < n; i++) {
                int b = buffer[i] & 0xff;
                if (b < 0x20 && b != '\n' && b != '\r' && b != '\t' || b == 0x7f) {
                    continue;
                }
                if (marks == 0 && b != '%' && (b == '\n' || b == '\r' || b == ' ') && program.size() == 0) {
                    continue;
                }
                program.write(b);
                if (b == '%') {
                    marks++;
                    if (marks == 2) {
                        program.write('\n');
                        deliver(program);
                        program.reset();
                        marks = 0;
                    }
                }
                if (program.size() > maxBytes) {
                    throw new IOException("a program longer than " + maxBytes + " bytes; connection dropped");
                }
            }
        }
    }

    private void deliver(ByteArrayOutputStream program) {
        byte[] content = program.toByteArray();
        if (content.length == 0 || new String(content, java.nio.charset.StandardCharsets.ISO_8859_1).isBlank()) {
            return;
        }
        sink.accept(new ImportedProgram(machine, clock.instant(), null, content));
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        Socket socket = current;
        if (socket != null) {
            socket.close();
        }
        try {
            thread.join(Math.max(1000, idleTimeout.toMillis() * 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
