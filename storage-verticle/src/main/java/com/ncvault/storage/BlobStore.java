package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.OwnerOnly;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StagedUpload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Content-addressed file store: each blob lies at {@code blobs/ab/cdef...} named by its SHA-256,
 * so identical content is stored once. Uploads arrive as staged files under {@code incoming/};
 * {@link #ingest} makes them durable and moves them into place before any metadata refers to them.
 * Every method blocks; callers run them on a worker thread.
 */
public final class BlobStore {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final Path root;
  private final Path blobs;
  private final Path incoming;

  public BlobStore(Path dataDir) {
    this.root = dataDir.toAbsolutePath().normalize();
    this.blobs = root.resolve("blobs");
    this.incoming = root.resolve("incoming");
  }

  public Path incomingDir() {
    return incoming;
  }

  /** The data directory, blobs/, incoming/ and the embedded database's db/, all owner-only. */
  public void createDirectories() {
    try {
      OwnerOnly.createDirectories(root);
      OwnerOnly.createDirectories(blobs);
      OwnerOnly.createDirectories(incoming);
      OwnerOnly.createDirectories(root.resolve("db"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes whatever an interrupted upload left in incoming/. Only safe before uploads are accepted. */
  public int clearIncoming() {
    int removed = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(incoming)) {
      for (Path entry : entries) {
        if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(entry)) {
          Files.deleteIfExists(entry);
          removed++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return removed;
  }

  /**
   * Deletes blobs no revision refers to (left by a crash between content and metadata commit).
   * Only safe while no upload is in flight, i.e. before the storage consumer is registered.
   */
  public int collectGarbage(Set<String> referenced) {
    int removed = 0;
    try (Stream<Path> files = Files.walk(blobs, 2)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && file.getParent().getParent().equals(blobs)) {
          String sha = file.getParent().getFileName().toString() + file.getFileName();
          if (!referenced.contains(sha)) {
            Files.deleteIfExists(file);
            removed++;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return removed;
  }

  /** The content names of every blob in the store. */
  public Set<String> list() {
    Set<String> present = new java.util.HashSet<>();
    try (Stream<Path> files = Files.walk(blobs, 2)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && file.getParent().getParent().equals(blobs)) {
          String sha = file.getParent().getFileName().toString() + file.getFileName();
          if (isSha256(sha)) {
            present.add(sha);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return present;
  }

  /** The size of a blob in the store, or -1 when this store does not hold it. */
  public long sizeOf(String sha256) {
    try {
      Path path = pathOf(sha256);
      return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) ? Files.size(path) : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  public Path pathOf(String sha256) {
    requireSha(sha256);
    return blobs.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2));
  }

  public boolean contains(String sha256) {
    return Files.isRegularFile(pathOf(sha256));
  }

  /**
   * Checks a staged upload (inside incoming/, declared size), fsyncs it and renames it atomically
   * into the store, then fsyncs the directory. When the blob exists already the staged file is
   * dropped. After this returns the content survives a crash; metadata may now refer to it.
   */
  public Path ingest(StagedUpload staged) {
    Path source = requireStaged(staged);
    try {
      long actual = Files.size(source);
      if (actual != staged.size()) {
        throw new PdmError(ErrorCode.BAD_REQUEST,
          "The uploaded content has " + actual + " bytes, not the declared " + staged.size());
      }
      Path target = pathOf(staged.sha256());
      if (Files.exists(target)) {
        Files.deleteIfExists(source);
        return target;
      }
      try (FileChannel channel = FileChannel.open(source, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Path dir = target.getParent();
      if (!Files.isDirectory(dir)) {
        OwnerOnly.createDirectories(dir);
        syncDirectory(blobs);
      }
      try {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException sameContentRacedUs) {
        Files.deleteIfExists(source);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IllegalStateException("incoming/ and blobs/ must be on the same file system", e);
      }
      syncDirectory(dir);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a staged file that will not be ingested; ignores paths outside incoming/. */
  public void discard(StagedUpload staged) {
    if (staged == null || staged.path() == null) {
      return;
    }
    try {
      Path source = Path.of(staged.path()).toAbsolutePath().normalize();
      if (isInIncoming(source)) {
        Files.deleteIfExists(source);
      }
    } catch (IOException | RuntimeException ignored) {
      // Left for the start-up sweep of incoming/.
    }
  }

  /** Reads a whole blob; the caller has checked its size. */
  public byte[] read(String sha256) {
    try {
      return Files.readAllBytes(pathOf(sha256));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True when the store's directories exist and are writable. */
  public boolean healthy() {
    return Files.isDirectory(blobs) && Files.isWritable(blobs) && Files.isDirectory(incoming)
      && Files.isWritable(incoming);
  }

  /** Writes content to a new staged file in incoming/ the way the api does (demo content, tests). */
  public StagedUpload stage(byte[] content) {
    try {
      Path part = incoming.resolve(UUID.randomUUID() + ".part");
      try (FileChannel channel = OwnerOnly.createFile(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        channel.write(java.nio.ByteBuffer.wrap(content));
      }
      return new StagedUpload(part.toString(), content.length, sha256(content));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path requireStaged(StagedUpload staged) {
    if (staged == null || staged.path() == null) {
      throw new PdmError(ErrorCode.BAD_REQUEST, "The upload is missing");
    }
    requireSha(staged.sha256());
    Path source;
    try {
      source = Path.of(staged.path()).toAbsolutePath().normalize();
    } catch (RuntimeException e) {
      throw new PdmError(ErrorCode.BAD_REQUEST, "The staged upload path is not valid");
    }
    if (!isInIncoming(source)) {
      throw new PdmError(ErrorCode.BAD_REQUEST, "The staged upload is not in the incoming directory");
    }
    if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
      throw new PdmError(ErrorCode.BAD_REQUEST, "The staged upload does not exist");
    }
    if (staged.size() < 0) {
      throw new PdmError(ErrorCode.BAD_REQUEST, "The staged upload size is negative");
    }
    return source;
  }

  /** True for a direct child of incoming/, also when one side reaches it through a symbolic link. */
  private boolean isInIncoming(Path source) {
    Path parent = source.getParent();
    if (parent == null) {
      return false;
    }
    if (parent.equals(incoming)) {
      return true;
    }
    try {
      return parent.toRealPath().equals(incoming.toRealPath());
    } catch (IOException e) {
      return false;
    }
  }

  /** True for 64 lower-case hex digits, the only names blobs have. */
  public static boolean isSha256(String text) {
    return text != null && SHA256.matcher(text).matches();
  }

  private static void requireSha(String sha256) {
    if (!isSha256(sha256)) {
      throw new PdmError(ErrorCode.BAD_REQUEST, "A SHA-256 is 64 lower-case hex digits");
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms (Windows) cannot open a directory for fsync; the rename is still atomic there.
      if (!System.getProperty("os.name", "").toLowerCase().startsWith("windows")) {
        throw e;
      }
    }
  }
}
