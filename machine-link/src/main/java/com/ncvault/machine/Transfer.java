package com.ncvault.machine;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Sends one program over a transport, retrying with bounded exponential backoff. Blocking: runs on
 * a worker thread. The waits go through {@link Pause} so a caller can make them interruptible or a
 * test can act between attempts.
 */
public final class Transfer {
    private final RetryPolicy policy;
    private final Pause pause;
    private final Clock clock;

    /** Waits between attempts. */
    @FunctionalInterface
    public interface Pause {
        Pause SLEEP = delay -> Thread.sleep(delay.toMillis());

        void await(Duration delay) throws InterruptedException;
    }

    /** Told before each attempt (progress for the people watching). */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (attempt, lastFailure) -> { };

        void attempting(int attempt, String lastFailure);
    }

    public Transfer(RetryPolicy policy, Pause pause, Clock clock) {
        this.policy = policy;
        this.pause = pause;
        this.clock = clock;
    }

    public Transfer(RetryPolicy policy) {
        this(policy, Pause.SLEEP, Clock.systemUTC());
    }

    public TransferResult run(Transport transport, String name, byte[] content, Listener listener) {
        Instant start = clock.instant();
        String reason = null;
        int attempt = 0;
        while (attempt < policy.attempts()) {
            attempt++;
            if (attempt > 1) {
                try {
                    pause.await(policy.delayBefore(attempt));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    reason = "interrupted while waiting to retry; last failure: " + reason;
                    break;
                }
            }
            listener.attempting(attempt, reason);
            try {
                Transport.Delivery delivery = transport.send(name, content);
                return new TransferResult(delivery.bytes(), delivery.sha256(), delivery.verified(), start,
                        clock.instant(), TransferResult.Outcome.SUCCEEDED, attempt, null);
            } catch (IllegalArgumentException e) {
                reason = e.getMessage();
                break;
            } catch (IOException | RuntimeException e) {
                reason = describe(e);
            }
        }
        return new TransferResult(0, Sha256.of(content), false, start, clock.instant(),
                TransferResult.Outcome.FAILED, attempt, reason);
    }

    /** A reason fit for the transfer log: the kind of failure and its message, no stack. */
    static String describe(Exception e) {
        String message = e.getMessage();
        String kind = e.getClass().getSimpleName();
        if (message == null || message.isBlank()) {
            return kind;
        }
        return e instanceof IOException && !kind.equals("IOException") ? kind + ": " + message : message;
    }
}
