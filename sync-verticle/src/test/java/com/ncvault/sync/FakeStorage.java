package com.ncvault.sync;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.DomainEvent;
import com.ncvault.storage.MemoryStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-memory storage (same rules as the real one, see MemoryStorage) on {@link Addresses#STORAGE},
 * with the controls sync's tests need: committing and publishing are separate, so a test can
 * publish events late, twice, out of order or never; reads of events and of the file list are
 * counted.
 */
final class FakeStorage extends MemoryStorage {

  final AtomicInteger fileListReads = new AtomicInteger();
  final AtomicInteger eventReads = new AtomicInteger();

  FakeStorage(Vertx vertx) {
    super(vertx, tempDir(), "admin-password");
    // Sync's tests count seqs from an empty log.
    clearEvents();
  }

  private static java.nio.file.Path tempDir() {
    try {
      return Files.createTempDirectory("sync-test-storage");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Future<Void> register() {
    return bind();
  }

  /** Commits a change and returns its event, not yet published. */
  DomainEvent commit(String type, String filename, String user, String message) {
    return inject(type, filename, user, message, false);
  }

  DomainEvent commit(String type, String filename, String user) {
    return commit(type, filename, user, type + " " + filename);
  }

  DomainEvent commitAndPublish(String type, String filename, String user) {
    return inject(type, filename, user, type + " " + filename, true);
  }

  /**
   * A user event, committed and published: {@code actor} did {@code type} to the account
   * {@code username}; {@code details} adds to the event's details.
   */
  DomainEvent commitAndPublishUserEvent(String type, String username, String actor, JsonObject details) {
    return injectUserEvent(type, username, actor, details, true);
  }

  /** The latest committed seq. */
  long lastSeq() {
    return events().size();
  }

  @Override
  public Future<EventPage> eventsSince(EventsQuery query) {
    eventReads.incrementAndGet();
    return super.eventsSince(query);
  }

  @Override
  public Future<FileList> listFiles(ListFiles query) {
    fileListReads.incrementAndGet();
    return super.listFiles(query);
  }
}
