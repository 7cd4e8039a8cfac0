package com.ncvault.storage;

import com.ncvault.contract.StorageApi.FactsFilter;
import com.ncvault.contract.StorageApi.FileList;
import com.ncvault.contract.StorageApi.ListFiles;
import com.ncvault.contract.StorageLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.Json;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The file list, kept in memory per seq so that a vault of any size lists fast: every file's JSON
 * is encoded once (again only when the file changes), and the whole list is those pieces laid end
 * to end. When the vault has moved on, only the files that changed since (found in the activity
 * log) are read again; a full read happens at the first request and when the log no longer covers
 * the gap. Reads go page by page, so no event loop handles more than a page of rows at a time;
 * encoding, filtering and laying out run in a worker lane. One refresh at a time; requests that
 * arrive meanwhile share it. Filters (status, words of the search, the user's own locks) are
 * applied to the same snapshot, in the worker, never re-read from the database.
 *
 * <p>Used from the storage verticle's context.
 */
final class FileListCache {

  static final int PAGE = 2000;
  /** Beyond this many changes since the snapshot, one full read is cheaper than the changes. */
  static final int MAX_CHANGES = 20_000;

  /** One file: its row and its JSON, in list order (group, then name). */
  private record Item(String group, String sortKey, FileRow row, byte[] json) {
  }

  private static final Comparator<Item> ORDER = Comparator.comparing(Item::group).thenComparing(Item::sortKey);

  /** The list at one seq: every file (deleted ones too) in list order, and the encoded default list. */
  private record Snapshot(long seq, Item[] items, Buffer all) {
  }

  private final Pool pool;
  private final Lane lane;
  private final Function<FactsFilter, Future<Set<String>>> contentsMatching;
  private Snapshot current;
  private Future<Snapshot> refreshing;

  /** {@code contentsMatching}: the contents (SHA-256) whose program facts pass a facts filter. */
  FileListCache(Database db, Lane lane, Function<FactsFilter, Future<Set<String>>> contentsMatching) {
    this.pool = db.pool();
    this.lane = lane;
    this.contentsMatching = contentsMatching;
  }

  Future<FileList> list(ListFiles query) {
    if (isDefault(query)) {
      return snapshot().map(snapshot -> new FileList(snapshot.seq(), snapshot.all()));
    }
    Future<Set<String>> contents = query.facts() == null ? Future.succeededFuture(null)
      : contentsMatching.apply(query.facts());
    return contents.compose(passing -> snapshot().compose(snapshot -> lane.run(() -> {
      Predicate<Item> keep = filter(query);
      return new FileList(snapshot.seq(), encode(snapshot.items(),
        passing == null ? keep : keep.and(item -> passing.contains(item.row().sha256()))));
    })));
  }

  private static boolean isDefault(ListFiles q) {
    return q.q() == null && q.status() == null && !q.includeDeleted() && q.facts() == null;
  }

  /** A snapshot at least as new as the latest committed seq when this was called. */
  private Future<Snapshot> snapshot() {
    if (refreshing != null) {
      // A refresh that started before this request may predate a change the caller has seen.
      return afterRefresh(refreshing);
    }
    return pool.query(Sql.LATEST_SEQ).execute().map(Rows::single).compose(latest -> {
      Snapshot snapshot = current;
      if (snapshot != null && snapshot.seq() >= latest) {
        return Future.succeededFuture(snapshot);
      }
      if (refreshing != null) {
        return afterRefresh(refreshing);
      }
      Future<Snapshot> refresh = refresh(snapshot, latest);
      refreshing = refresh;
      // Registered after the field is set, so that a refresh that is already over clears it too.
      refresh.onComplete(done -> {
        if (refreshing == refresh) {
          refreshing = null;
        }
        if (done.succeeded() && (current == null || done.result().seq() >= current.seq())) {
          current = done.result();
        }
      });
      return refresh;
    });
  }

  /** Asks again once a running refresh is over; its failure is the caller's too. */
  private Future<Snapshot> afterRefresh(Future<Snapshot> refresh) {
    return refresh.transform(done -> done.succeeded() ? snapshot() : Future.failedFuture(done.cause()));
  }

  private Future<Snapshot> refresh(Snapshot old, long latest) {
    if (old == null || latest - old.seq() > MAX_CHANGES) {
      return readAll(null, new ArrayList<>()).compose(rows -> lane.run(() -> build(latest, rows)));
    }
    return Database.run(pool, Sql.OLDEST_SEQ, Map.of()).map(Rows::single).compose(oldest -> {
      if (oldest > old.seq() + 1) {
        // The activity log no longer says what changed since: read everything.
        return readAll(null, new ArrayList<>()).compose(rows -> lane.run(() -> build(latest, rows)));
      }
      return Database.run(pool, Sql.CHANGED_FILES, Map.of("since", old.seq(), "upto", latest))
        .compose(names -> {
          List<String> changed = new ArrayList<>();
          names.forEach(row -> changed.add(row.getString("filename")));
          return readNamed(changed, 0, new ArrayList<>());
        })
        .compose(rows -> lane.run(() -> update(old, latest, rows)));
    });
  }

  /** Every file, page by page in name order. */
  private Future<List<FileRow>> readAll(String after, List<FileRow> into) {
    String sql = after == null ? Sql.FILES_FIRST_PAGE : Sql.FILES_NEXT_PAGE;
    return Database.run(pool, sql, Params.of("after", after, "limit", PAGE)).compose(rows -> {
      for (Row row : rows) {
        into.add(Rows.file(row));
      }
      return rows.size() < PAGE ? Future.succeededFuture(into) : readAll(into.get(into.size() - 1).filename(), into);
    });
  }

  /** The files named, a page of names at a time. */
  private Future<List<FileRow>> readNamed(List<String> names, int from, List<FileRow> into) {
    if (from >= names.size()) {
      return Future.succeededFuture(into);
    }
    List<String> page = names.subList(from, Math.min(names.size(), from + PAGE));
    return Database.run(pool, Sql.filesNamed(page.size()), Sql.names(page)).compose(rows -> {
      for (Row row : rows) {
        into.add(Rows.file(row));
      }
      return readNamed(names, from + PAGE, into);
    });
  }

  private static Snapshot build(long seq, List<FileRow> rows) {
    Item[] items = rows.stream().map(FileListCache::item).sorted(ORDER).toArray(Item[]::new);
    return snapshot(seq, items);
  }

  /** The old snapshot with the changed files' items replaced (or added). */
  private static Snapshot update(Snapshot old, long seq, List<FileRow> changed) {
    Map<String, Item> replacements = new HashMap<>();
    changed.forEach(row -> replacements.put(row.filename(), item(row)));
    List<Item> items = new ArrayList<>(old.items().length + replacements.size());
    for (Item item : old.items()) {
      if (!replacements.containsKey(item.row().filename())) {
        items.add(item);
      }
    }
    items.addAll(replacements.values());
    items.sort(ORDER);
    return snapshot(seq, items.toArray(Item[]::new));
  }

  private static Snapshot snapshot(long seq, Item[] items) {
    return new Snapshot(seq, items, encode(items, item -> !item.row().deleted(), true));
  }

  private static Item item(FileRow row) {
    String name = row.filename();
    return new Item(row.group(), name.toLowerCase(Locale.ROOT) + '\u0000' + name, row,
      row.toJson().toBuffer().getBytes());
  }

  /** The filter of a query: status, every word of the search (in name or description), deleted or not. */
  private static Predicate<Item> filter(ListFiles q) {
    String status = q.status();
    boolean wantDeleted = StorageLimits.STATUS_DELETED.equals(status);
    List<String> words = q.q() == null ? List.of()
      : Arrays.stream(q.q().toLowerCase(Locale.ROOT).split("\\s+")).filter(w -> !w.isEmpty()).toList();
    return item -> {
      FileRow f = item.row();
      if (f.deleted() != wantDeleted && !(q.includeDeleted() && !wantDeleted)) {
        return false;
      }
      if (StorageLimits.STATUS_LOCKED.equals(status) && !f.locked()
        || StorageLimits.STATUS_UNLOCKED.equals(status) && f.locked()
        || StorageLimits.STATUS_MINE.equals(status) && !q.user().equals(f.lockedBy())) {
        return false;
      }
      if (words.isEmpty()) {
        return true;
      }
      String name = f.filename().toLowerCase(Locale.ROOT);
      String description = f.description().toLowerCase(Locale.ROOT);
      return words.stream().allMatch(w -> name.contains(w) || description.contains(w));
    };
  }

  /** {group: [file, ...], ...} from the items that pass, in list order, on the heap. */
  private static Buffer encode(Item[] items, Predicate<Item> keep) {
    return encode(items, keep, false);
  }

  /**
   * {group: [file, ...], ...} from the items that pass, in list order, in a buffer of exactly its
   * size: off the heap ({@code direct}) for the default list, which every plain GET of the list
   * sends as it is. A heap buffer would be copied into a new direct one for every such answer (the
   * socket writes only direct memory): for 100,000 files a 39 MB allocation, zeroing and copy per
   * GET. A direct one is written as it is; it is freed with the snapshot once no answer uses it.
   */
  private static Buffer encode(Item[] items, Predicate<Item> keep, boolean direct) {
    Map<String, byte[]> groups = new HashMap<>();
    int size = 2;
    String group = null;
    for (Item item : items) {
      if (!keep.test(item)) {
        continue;
      }
      if (!item.group().equals(group)) {
        group = item.group();
        // "name":[ and, before every group but the first, ],
        size += groups.computeIfAbsent(group, g -> Json.encode(g).getBytes(StandardCharsets.UTF_8)).length + 2
          + (size > 2 ? 2 : 0);
      } else {
        size++;
      }
      size += item.json().length;
    }
    if (size > 2) {
      size++;
    }
    ByteBuf out = direct ? Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(size)).clear() : Unpooled.buffer(size, size);
    out.writeByte('{');
    group = null;
    for (Item item : items) {
      if (!keep.test(item)) {
        continue;
      }
      if (!item.group().equals(group)) {
        if (group != null) {
          out.writeByte(']').writeByte(',');
        }
        group = item.group();
        out.writeBytes(groups.get(group)).writeByte(':').writeByte('[');
      } else {
        out.writeByte(',');
      }
      out.writeBytes(item.json());
    }
    if (group != null) {
      out.writeByte(']');
    }
    out.writeByte('}');
    return BufferInternal.buffer(out);
  }
}
