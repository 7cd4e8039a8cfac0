package com.ncvault.machine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A drop folder or network share the control reads. A program is written under a temporary name,
 * synced, then moved into place atomically so the control never reads half a program; then it is
 * read back and its SHA-256 compared.
 */
public final class FolderTransport implements Transport, Inbox {
    private static final String TEMP_PREFIX = ".ncvault-";
    private final MachineFolders roots;
    private final Path folder;
    private final Path inbox;

    /**
     * @param folder where programs go (checked against the roots)
     * @param inbox  where programs come back, or {@code null} (checked against the roots)
     */
    public FolderTransport(MachineFolders roots, String folder, String inbox) {
        this.roots = roots;
        this.folder = roots.require(folder);
        this.inbox = inbox == null || inbox.isBlank() ? null : roots.require(inbox);
    }

    @Override
    public String kind() {
        return "folder";
    }

    @Override
    public Delivery send(String name, byte[] content) throws IOException {
        ProgramNames.require(name);
        roots.requireRealUnderRoot(folder);
        if (!Files.isDirectory(folder)) {
            throw new IOException("the machine folder does not exist: " + folder);
        }
        Path target = folder.resolve(name);
        if (Files.isSymbolicLink(target)) {
            throw new IOException("the target is a symbolic link; refusing to write through it");
        }
        Path temp = folder.resolve(TEMP_PREFIX + UUID.randomUUID() + ".part");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
                out.write(content);
                out.flush();
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        long[] count = new long[1];
        String readBack;
        try (InputStream in = Files.newInputStream(target, LinkOption.NOFOLLOW_LINKS)) {
            readBack = Sha256.of(in, count);
        }
        String sent = Sha256.of(content);
        if (!readBack.equals(sent) || count[0] != content.length) {
            throw new IOException("read-back differs from what was sent (" + count[0] + " bytes)");
        }
        return new Delivery(content.length, readBack, true);
    }

    @Override
    public int poll(Sink sink) throws IOException {
        if (inbox == null) {
            return 0;
        }
        roots.requireRealUnderRoot(inbox);
        if (!Files.isDirectory(inbox)) {
            return 0;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(inbox)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(".") && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)
                        && Files.size(entry) <= MAX_PROGRAM_BYTES) {
                    files.add(entry);
                }
            }
        }
        files.sort(null);
        int taken = 0;
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            try {
                sink.accept(file.getFileName().toString(), content);
            } catch (Exception refused) {
                continue;
            }
            Files.deleteIfExists(file);
            taken++;
        }
        return taken;
    }
}
