package com.ncvault.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TcpTransportTest {

    /** A serial device server: takes one connection, records every byte and when it came. */
    private static CompletableFuture<List<long[]>> deviceServer(ServerSocket server, ByteArrayOutputStream bytes) {
        return CompletableFuture.supplyAsync(() -> {
            List<long[]> arrivals = new ArrayList<>();
            try (Socket socket = server.accept(); InputStream in = socket.getInputStream()) {
                byte[] buffer = new byte[64];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    bytes.write(buffer, 0, n);
                    arrivals.add(new long[] {System.nanoTime(), bytes.size()});
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return arrivals;
        });
    }

    @Test
    void the_bytes_reach_the_device_server_unchanged_and_no_faster_than_the_pacing() throws Exception {
        byte[] program = new byte[1200];
        for (int i = 0; i < program.length; i++) {
            program[i] = (byte) ('A' + i % 26);
        }
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            CompletableFuture<List<long[]>> arrivals = deviceServer(server, received);
            TcpTransport tcp = new TcpTransport(new TcpTransport.Settings("127.0.0.1", server.getLocalPort(), 3000, null));

            long start = System.nanoTime();
            Transport.Delivery delivery = tcp.send("O1.nc", program);
            long sendNanos = System.nanoTime() - start;
            List<long[]> seen = arrivals.get(10, TimeUnit.SECONDS);

            assertThat(received.toByteArray()).isEqualTo(program);
            assertThat(delivery.verified()).isFalse();
            assertThat(delivery.sha256()).isEqualTo(Sha256.of(program));
            // 1200 bytes at 3000 bytes per second take 0.4 s; the first half cannot have arrived in under 0.15 s
            assertThat(sendNanos).isGreaterThanOrEqualTo(Duration.ofMillis(390).toNanos());
            long firstAt = seen.get(0)[0];
            for (long[] arrival : seen) {
                long elapsed = arrival[0] - firstAt;
                long allowed = (long) ((arrival[1] - 150) * 1_000_000_000L / 3000.0);
                assertThat(elapsed).as("bytes %d at %d ms", arrival[1], elapsed / 1_000_000)
                        .isGreaterThanOrEqualTo(Math.max(0, allowed - Duration.ofMillis(5).toNanos()));
            }
        }
    }

    @Test
    void an_unreachable_device_server_fails_the_transfer() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        TcpTransport tcp = new TcpTransport(new TcpTransport.Settings("127.0.0.1", port, 960, Duration.ofSeconds(1)));

        TransferResult result = new Transfer(new RetryPolicy(1, Duration.ZERO, Duration.ZERO))
                .run(tcp, "O1.nc", "O1\n".getBytes(StandardCharsets.US_ASCII), Transfer.Listener.NONE);

        assertThat(result.succeeded()).isFalse();
        assertThat(result.reason()).contains("ConnectException");
    }

    @Test
    void a_received_program_runs_from_the_first_tape_mark_to_the_second() throws Exception {
        LinkedBlockingQueue<ImportedProgram> got = new LinkedBlockingQueue<>();
        try (TcpReceiver receiver = TcpReceiver.start("mill1", "127.0.0.1", 0, Duration.ofSeconds(5),
                TcpReceiver.DEFAULT_MAX_PROGRAM_BYTES, got::add);
             Socket control = new Socket("127.0.0.1", receiver.port())) {
            OutputStream out = control.getOutputStream();
            out.write(new byte[] {0, 0, 0, 0x12});
            out.write("%\nO1234\nG0 X1\nM30\n%".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0x14, 0, 0});
            out.write("%\nO55\nM30\n%\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();

            ImportedProgram first = got.poll(5, TimeUnit.SECONDS);
            ImportedProgram second = got.poll(5, TimeUnit.SECONDS);

            assertThat(first.machine()).isEqualTo("mill1");
            assertThat(first.name()).isNull();
            assertThat(new String(first.content(), StandardCharsets.US_ASCII)).isEqualTo("%\nO1234\nG0 X1\nM30\n%\n");
            assertThat(new String(second.content(), StandardCharsets.US_ASCII)).isEqualTo("%\nO55\nM30\n%\n");
        }
    }

    @Test
    void a_sender_that_stops_without_the_second_tape_mark_is_cut_at_the_idle_timeout() throws Exception {
        LinkedBlockingQueue<ImportedProgram> got = new LinkedBlockingQueue<>();
        try (TcpReceiver receiver = TcpReceiver.start("lathe", "127.0.0.1", 0, Duration.ofMillis(300),
                TcpReceiver.DEFAULT_MAX_PROGRAM_BYTES, got::add);
             Socket control = new Socket("127.0.0.1", receiver.port())) {
            control.getOutputStream().write("%\nO77\nG1 X2 F100\n".getBytes(StandardCharsets.US_ASCII));
            control.getOutputStream().flush();

            ImportedProgram cut = got.poll(5, TimeUnit.SECONDS);

            assertThat(new String(cut.content(), StandardCharsets.US_ASCII)).isEqualTo("%\nO77\nG1 X2 F100\n");
            assertThat(control.isClosed()).isFalse();
        }
    }
}
