package com.ncvault.sync;

import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.EventsQuery;
import com.ncvault.contract.StorageApi.ListFiles;
import com.ncvault.contract.StorageBinding;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The storage operations sync needs. Replies arrive on the context that asked, so a socket's
 * catch-up can run entirely on that socket's event loop.
 */
final class StorageClient {

  private final StorageApi storage;

  StorageClient(Vertx vertx) {
    this.storage = StorageBinding.proxy(vertx);
  }

  Future<EventPage> eventsSince(long since, int limit) {
    return storage.eventsSince(new EventsQuery(since, limit)).map(EventPage::of);
  }

  Future<Long> latestSeq() {
    return storage.latestSeq();
  }

  Future<Void> watch(String user, String filename) {
    return Future.<StorageApi.WatchChange>succeededFuture().map(v -> new StorageApi.WatchChange(user, filename))
      .compose(storage::watch).mapEmpty();
  }

  Future<Void> unwatch(String user, String filename) {
    return Future.<StorageApi.WatchChange>succeededFuture().map(v -> new StorageApi.WatchChange(user, filename))
      .compose(storage::unwatch);
  }

  /** The file list exactly as GET /api/files shows it, encoded as a FILE_LIST_UPDATED. */
  Future<Snapshot> fileList() {
    return storage.listFiles(ListFiles.all())
      .map(list -> new Snapshot(list.seq(), Frame.shared(Messages.fileListUpdated(list.seq(), list.json()))));
  }
}
