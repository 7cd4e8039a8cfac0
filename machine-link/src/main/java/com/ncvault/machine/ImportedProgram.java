package com.ncvault.machine;

import java.time.Instant;

/**
 * A program that came back from a machine.
 *
 * @param name the name it came under (a file name), or {@code null} when the transport has none (TCP)
 */
public record ImportedProgram(String machine, Instant receivedAt, String name, byte[] content) {
}
