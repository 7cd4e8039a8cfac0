package com.ncvault.nc;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads lines of bytes into one reused buffer. A line ends at LF, CR LF or a lone CR. Lines longer
 * than {@link #MAX_LINE} bytes keep their first {@link #MAX_LINE} bytes and say so, so a file
 * without line ends cannot make the buffer grow.
 */
final class LineReader {

    /** Longer than any block a control accepts; CAM header comments fit. */
    static final int MAX_LINE = 4096;

    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;

    final byte[] line = new byte[MAX_LINE];
    int length;
    boolean tooLong;

    LineReader(InputStream in) {
        this.in = in;
    }

    /** Reads the next line into {@link #line}; {@code false} at the end of the input. */
    boolean next() throws IOException {
        length = 0;
        tooLong = false;
        boolean any = false;
        while (true) {
            if (position == limit && !fill()) {
                return any;
            }
            byte b = buffer[position++];
            any = true;
            if (b == '\n') {
                return true;
            }
            if (b == '\r') {
                if ((position < limit || fill()) && buffer[position] == '\n') {
                    position++;
                }
                return true;
            }
            if (length < MAX_LINE) {
                line[length++] = b;
            } else {
                tooLong = true;
            }
        }
    }

    private boolean fill() throws IOException {
        int n;
        do {
            n = in.read(buffer, 0, buffer.length);
        } while (n == 0);
        position = 0;
        limit = Math.max(n, 0);
        return n > 0;
    }
}
