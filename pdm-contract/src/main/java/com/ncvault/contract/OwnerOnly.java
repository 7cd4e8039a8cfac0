package com.ncvault.contract;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The data directory and everything in it belong to the account that runs the node: directories
 * 0700, files 0600 on POSIX file systems (the database, blobs, incoming/, keys). Files a library
 * creates with the process umask (the H2 database) lie in owner-only directories, and a start
 * tightens whatever it finds readable by others. On a file system without POSIX permissions
 * (Windows) the directory's inherited ACL applies and these methods change nothing.
 * Every method blocks.
 */
public final class OwnerOnly {

  private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
    PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
    PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private OwnerOnly() {
  }

  /** Creates {@code dir} and its missing parents; {@code dir} itself ends up 0700. */
  public static Path createDirectories(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (posix(dir)) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
    return dir;
  }

  /** Opens a new file created 0600 (the umask can only take bits away). */
  public static FileChannel createFile(Path file, OpenOption... options) throws IOException {
    Set<OpenOption> all = new java.util.HashSet<>(List.of(options));
    return posix(file.getParent())
      ? FileChannel.open(file, all, fileAttribute())
      : FileChannel.open(file, all);
  }

  /** Writes a new or replaced file readable and writable by the owner only. */
  public static void writeString(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    try (FileChannel channel = createFile(file, java.nio.file.StandardOpenOption.CREATE_NEW,
      java.nio.file.StandardOpenOption.WRITE)) {
      channel.write(java.nio.ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      channel.force(true);
    }
  }

  /**
   * Takes every group and others permission off {@code root} and what lies under it (links are
   * neither followed nor changed). Returns one line per entry changed, "path: before -> after",
   * for the caller to log; never contents.
   */
  public static List<String> tighten(Path root) throws IOException {
    List<String> changed = new ArrayList<>();
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS) || !posix(root)) {
      return changed;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        tightenOne(dir, changed);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (!attrs.isSymbolicLink()) {
          tightenOne(file, changed);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        // A file removed while we walk (an upload ending) needs no tightening.
        return FileVisitResult.CONTINUE;
      }
    });
    return changed;
  }

  private static void tightenOne(Path entry, List<String> changed) throws IOException {
    Set<PosixFilePermission> before;
    try {
      before = Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.NoSuchFileException gone) {
      return;
    }
    Set<PosixFilePermission> after = EnumSet.noneOf(PosixFilePermission.class);
    after.addAll(before);
    after.removeAll(GROUP_AND_OTHERS);
    if (!after.equals(before)) {
      Files.setPosixFilePermissions(entry, after);
      changed.add(entry + ": " + PosixFilePermissions.toString(before) + " -> " + PosixFilePermissions.toString(after));
    }
  }

  private static FileAttribute<Set<PosixFilePermission>> fileAttribute() {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  }

  private static boolean posix(Path path) {
    return path != null && Files.getFileAttributeView(path, PosixFileAttributeView.class) != null;
  }
}
