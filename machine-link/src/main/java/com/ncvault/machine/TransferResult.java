package com.ncvault.machine;

import java.time.Instant;

/**
 * How a transfer ended.
 *
 * @param bytes    bytes delivered (0 when it failed)
 * @param sha256   SHA-256 of what the machine holds (read back where the transport allows), or of
 *                 the program when it failed
 * @param verified whether {@code sha256} was read back from the machine
 * @param reason   why it failed, or {@code null}
 */
public record TransferResult(long bytes, String sha256, boolean verified, Instant start, Instant end,
                             Outcome outcome, int attempts, String reason) {

    public enum Outcome { SUCCEEDED, FAILED }

    public boolean succeeded() {
        return outcome == Outcome.SUCCEEDED;
    }
}
