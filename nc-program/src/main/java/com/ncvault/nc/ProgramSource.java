package com.ncvault.nc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a program is read from, as often as a drawing needs (a backplot reads it twice: once for
 * the frame, once for the segments). A file is streamed, never loaded whole.
 */
@FunctionalInterface
public interface ProgramSource {

    /** A new stream from the start of the program; the caller closes it. */
    InputStream open() throws IOException;

    static ProgramSource of(byte[] program) {
        return () -> new ByteArrayInputStream(program);
    }

    static ProgramSource of(Path file) {
        return () -> Files.newInputStream(file);
    }
}
