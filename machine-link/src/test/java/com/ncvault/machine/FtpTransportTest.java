package com.ncvault.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FtpTransportTest {
    private static final byte[] PROGRAM = "%\nO1234 (FLANGE)\nG90 G54 G0 X0 Y0\nM30\n%\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path home;

    @Test
    void a_program_lands_in_the_controls_directory_byte_for_byte_and_is_read_back() throws Exception {
        try (FtpControl control = new FtpControl(home).start()) {
            control.dir("programs");
            byte[] binary = new byte[70_000];
            for (int i = 0; i < binary.length; i++) {
                binary[i] = (byte) (i * 31 + (i >> 7));
            }
            FtpTransport ftp = new FtpTransport(control.settings("programs", null));

            Transport.Delivery delivery = ftp.send("O1234.nc", PROGRAM);
            Transport.Delivery big = ftp.send("O9.bin", binary);

            assertThat(delivery.verified()).isTrue();
            assertThat(delivery.sha256()).isEqualTo(Sha256.of(PROGRAM));
            assertThat(Files.readAllBytes(home.resolve("programs/O1234.nc"))).isEqualTo(PROGRAM);
            assertThat(Files.readAllBytes(home.resolve("programs/O9.bin"))).isEqualTo(binary);
            assertThat(big.bytes()).isEqualTo(binary.length);
        }
    }

    @Test
    void a_transfer_to_a_stopped_ftp_server_fails_cleanly_and_succeeds_on_retry_once_it_is_started() throws Exception {
        try (FtpControl control = new FtpControl(home)) {
            FtpTransport ftp = new FtpTransport(control.settings("", null));
            List<Duration> waits = new ArrayList<>();

            TransferResult down = new Transfer(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20)),
                    waits::add, Clock.systemUTC()).run(ftp, "O1234.nc", PROGRAM, Transfer.Listener.NONE);

            assertThat(down.outcome()).isEqualTo(TransferResult.Outcome.FAILED);
            assertThat(down.attempts()).isEqualTo(2);
            assertThat(down.reason()).contains("ConnectException");
            assertThat(down.bytes()).isZero();
            assertThat(waits).containsExactly(Duration.ofMillis(10));
            assertThat(home.resolve("O1234.nc")).doesNotExist();

            List<Integer> attempts = new ArrayList<>();
            Transfer.Pause machineComesUp = delay -> {
                try {
                    control.start();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            TransferResult up = new Transfer(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20)),
                    machineComesUp, Clock.systemUTC())
                    .run(ftp, "O1234.nc", PROGRAM, (attempt, last) -> attempts.add(attempt));

            assertThat(up.succeeded()).isTrue();
            assertThat(up.attempts()).isEqualTo(2);
            assertThat(up.verified()).isTrue();
            assertThat(up.sha256()).isEqualTo(Sha256.of(PROGRAM));
            assertThat(attempts).containsExactly(1, 2);
            assertThat(Files.readAllBytes(home.resolve("O1234.nc"))).isEqualTo(PROGRAM);
        }
    }

    @Test
    void a_wrong_password_or_a_missing_directory_fails_with_the_reason() throws Exception {
        try (FtpControl control = new FtpControl(home).start()) {
            FtpTransport.Settings good = control.settings("", null);
            FtpTransport wrong = new FtpTransport(new FtpTransport.Settings(good.host(), good.port(), good.user(),
                    "not-it", "", null, good.connectTimeout(), good.dataTimeout()));
            FtpTransport nowhere = new FtpTransport(control.settings("no-such-dir", null));
            Transfer once = new Transfer(new RetryPolicy(1, Duration.ZERO, Duration.ZERO));

            TransferResult refused = once.run(wrong, "O1.nc", PROGRAM, Transfer.Listener.NONE);
            TransferResult missing = once.run(nowhere, "O1.nc", PROGRAM, Transfer.Listener.NONE);

            assertThat(refused.succeeded()).isFalse();
            assertThat(refused.reason()).contains("refused the login").doesNotContain("not-it");
            assertThat(missing.reason()).contains("no directory no-such-dir");
        }
    }

    @Test
    void programs_in_the_ftp_inbox_are_received_and_removed_once_taken() throws Exception {
        try (FtpControl control = new FtpControl(home).start()) {
            Path inbox = control.dir("out");
            Files.write(inbox.resolve("O1234.nc"), PROGRAM);
            Files.write(inbox.resolve("O77.nc"), "O77\nM30\n".getBytes(StandardCharsets.US_ASCII));
            Files.write(inbox.resolve("HUGE.NC"), new byte[Inbox.MAX_PROGRAM_BYTES + 1]);
            FtpTransport ftp = new FtpTransport(control.settings("", "out"));
            List<String> got = new ArrayList<>();

            int taken = ftp.poll((name, content) -> {
                if (name.equals("O77.nc")) {
                    throw new IllegalStateException("queue full");
                }
                got.add(name + ":" + new String(content, StandardCharsets.US_ASCII));
            });

            assertThat(taken).isEqualTo(1);
            assertThat(got).containsExactly("O1234.nc:" + new String(PROGRAM, StandardCharsets.US_ASCII));
            assertThat(inbox.resolve("O1234.nc")).doesNotExist();
            assertThat(inbox.resolve("O77.nc")).exists();
            assertThat(inbox.resolve("HUGE.NC")).exists();
        }
    }
}
