package com.ncvault.machine;

import java.io.IOException;

/** A place programs come back from a machine that the vault polls (a folder or an FTP directory). */
public interface Inbox {

  /** Larger files are left where they are: no NC program is this long, and none is read into memory. */
  int MAX_PROGRAM_BYTES = 4 * 1024 * 1024;

    /**
     * Hands every program waiting in the inbox to {@code sink}; a program the sink took without
     * throwing is removed from the inbox, one it refused stays for the next poll. Files over
     * {@link #MAX_PROGRAM_BYTES} are skipped.
     *
     * @return how many programs the sink took
     */
    int poll(Sink sink) throws IOException;

    /** Receives one program; throws to leave it in the inbox. */
    @FunctionalInterface
    interface Sink {
        void accept(String name, byte[] content) throws Exception;
    }
}
