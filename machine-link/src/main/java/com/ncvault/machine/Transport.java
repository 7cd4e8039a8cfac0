package com.ncvault.machine;

import java.io.IOException;

/**
 * One way to put a program where a machine's control reads it. Implementations block (sockets,
 * files): callers run them on a worker thread, never on an event loop.
 */
public interface Transport {

    /** {@code folder}, {@code ftp} or {@code tcp}. */
    String kind();

    /**
     * Writes {@code content} under {@code name} at the machine and verifies it where the transport
     * allows (read-back SHA-256 over a folder or FTP).
     *
     * @throws IOException when the machine cannot be reached or what arrived differs from what was sent
     */
    Delivery send(String name, byte[] content) throws IOException;

    /**
     * What the machine holds after a send.
     *
     * @param bytes    bytes written
     * @param sha256   hex SHA-256 read back from the machine, or of the bytes sent when {@code verified} is false
     * @param verified whether {@code sha256} was read back from the machine
     */
    record Delivery(long bytes, String sha256, boolean verified) {
    }
}
