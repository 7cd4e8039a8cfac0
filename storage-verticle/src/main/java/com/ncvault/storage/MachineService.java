package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.EventTypes;
import com.ncvault.contract.FileInfo;
import com.ncvault.contract.MachineStore;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageLimits;
import com.ncvault.machine.ImportedProgram;
import com.ncvault.machine.ProgramMatcher;
import com.ncvault.storage.GroupCommit.Outcome;
import com.ncvault.storage.GroupCommit.PendingEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Machines, assignments, the transfer log and the import queue ({@link MachineStore}). Changes go
 * through the {@link GroupCommit} like every other change, so each has its event and seq. Accepting
 * an import goes through the normal check-out and check-in of {@link StorageApi}.
 */
final class MachineService implements MachineStore {

  private static final Logger LOG = LoggerFactory.getLogger(MachineService.class);
  static final int MAX_IMPORT_BYTES = com.ncvault.machine.Inbox.MAX_PROGRAM_BYTES;
  static final int MAX_MACHINES_PER_FILE = 100;
  static final String RUNNING = "running";
  static final String SUCCEEDED = "succeeded";
  static final String FAILED = "failed";
  static final String PENDING = "pending";
  static final String ACCEPTED = "accepted";
  static final String REJECTED = "rejected";

  private static final String MACHINES = "SELECT * FROM machines ORDER BY name";
  private static final String MACHINE = "SELECT * FROM machines WHERE name = #{name}";
  private static final String MACHINE_FOR_UPDATE = MACHINE + " FOR UPDATE";
  private static final String MACHINE_BY_KEY = "SELECT name FROM machines WHERE name_key = #{key}";
  private static final String INSERT_MACHINE = "INSERT INTO machines (name, name_key, machine_group, controller, kind, "
    + "transport_json, node, created_at, created_by, updated_at) VALUES (#{name}, #{key}, #{group}, #{controller}, "
    + "#{kind}, #{transport}, #{node}, #{now}, #{actor}, #{now})";
  private static final String UPDATE_MACHINE = "UPDATE machines SET machine_group = #{group}, controller = #{controller}, "
    + "kind = #{kind}, transport_json = #{transport}, node = #{node}, updated_at = #{now} WHERE name = #{name}";
  private static final String DELETE_MACHINE = "DELETE FROM machines WHERE name = #{name}";
  private static final String DELETE_MACHINE_ASSIGNMENTS = "DELETE FROM file_machines WHERE machine = #{name}";
  private static final String FILE_MACHINES = "SELECT machine FROM file_machines WHERE filename = #{filename} "
    + "ORDER BY machine";
  private static final String ASSIGNED = "SELECT COUNT(*) AS n FROM file_machines WHERE filename = #{filename} "
    + "AND machine = #{machine}";
  private static final String DELETE_FILE_MACHINES = "DELETE FROM file_machines WHERE filename = #{filename}";
  private static final String INSERT_FILE_MACHINE = "INSERT INTO file_machines (filename, machine, assigned_at, "
    + "assigned_by) VALUES (#{filename}, #{machine}, #{now}, #{actor})";
  private static final String INSERT_TRANSFER = "INSERT INTO transfers (id, machine, filename, revision, sha256, "
    + "username, node, status, attempts, bytes, verified, started_at) VALUES (#{id}, #{machine}, #{filename}, "
    + "#{revision}, #{sha256}, #{user}, #{node}, 'running', 0, 0, FALSE, #{now})";
  private static final String TRANSFER = "SELECT * FROM transfers WHERE id = #{id}";
  private static final String RUNNING_ON_NODE = "SELECT id, attempts FROM transfers WHERE node = #{node} "
    + "AND status = 'running' ORDER BY started_at";
  private static final String TRANSFER_FOR_UPDATE = TRANSFER + " FOR UPDATE";
  private static final String TRANSFER_ATTEMPT = "UPDATE transfers SET attempts = #{attempt} WHERE id = #{id} "
    + "AND status = 'running'";
  private static final String FINISH_TRANSFER = "UPDATE transfers SET status = #{status}, attempts = #{attempts}, "
    + "bytes = #{bytes}, sha256 = #{sha256}, verified = #{verified}, finished_at = #{now}, reason = #{reason} "
    + "WHERE id = #{id}";
  private static final String TRANSFERS = "SELECT * FROM transfers WHERE 1 = 1";
  private static final String TRANSFERS_ORDER = " ORDER BY started_at DESC, id LIMIT #{limit}";
  private static final String IMPORT_COLUMNS = "id, machine, received_at, name, filename, size, sha256, status, "
    + "decided_by, decided_at, message, revision";
  private static final String IMPORTS = "SELECT " + IMPORT_COLUMNS + " FROM import_queue "
    + "WHERE status IN (#{a}, #{b}, #{c}) ORDER BY CASE WHEN status = 'pending' THEN 0 ELSE 1 END, received_at DESC, id LIMIT #{limit}";
  private static final String LIVE_FILENAMES = "SELECT filename FROM files WHERE deleted = FALSE ORDER BY filename";
  private static final String IMPORT = "SELECT * FROM import_queue WHERE id = #{id}";
  private static final String IMPORT_FOR_UPDATE = IMPORT + " FOR UPDATE";
  private static final String INSERT_IMPORT = "INSERT INTO import_queue (id, machine, received_at, name, filename, size, "
    + "sha256, content_b64, status) VALUES (#{id}, #{machine}, #{now}, #{name}, #{filename}, #{size}, #{sha256}, "
    + "#{content}, 'pending')";
  private static final String DECIDE_IMPORT = "UPDATE import_queue SET status = #{status}, decided_by = #{actor}, "
    + "decided_at = #{now}, message = #{message}, revision = #{revision}, filename = #{filename} "
    + "WHERE id = #{id} AND status = 'pending'";

  private final Vertx vertx;
  private final Pool pool;
  private final GroupCommit commits;
  private final Access access;
  private final StorageApi files;
  private final BlobStore blobs;
  private final TransportSpecs specs;
  private final Clock clock;
  /** Imports being accepted on this node: a second accept of the same one waits for no check-in. */
  private final Set<String> accepting = new HashSet<>();

  MachineService(Vertx vertx, Database db, GroupCommit commits, Access access, StorageApi files, BlobStore blobs,
                 TransportSpecs specs, Clock clock) {
    this.vertx = vertx;
    this.pool = db.pool();
    this.commits = commits;
    this.access = access;
    this.files = files;
    this.blobs = blobs;
    this.specs = specs;
    this.clock = clock;
  }

  // --- machines ---

  @Override
  public Future<List<Machine>> listMachines() {
    return Database.run(pool, MACHINES, Map.of()).map(rows -> {
      List<Machine> machines = new ArrayList<>();
      rows.forEach(row -> machines.add(machine(row::getValue)));
      return List.copyOf(machines);
    });
  }

  @Override
  public Future<Machine> createMachine(MachineChange r) {
    return access.requireAdmin(r.actor(), null).compose(v -> FileService.attempt(() -> {
      String name = machineName(r.name());
      String group = label("group", r.group());
      String controller = label("controller", r.controller());
      String node = label("node", r.node());
      JsonObject stored = specs.toStored(name, r.transport(), null);
      return new MachineChange(name, group, controller, node, stored, r.actor());
    })).compose(c -> commits.submit(key(c.name()), tx -> tx.row(MACHINE_BY_KEY, Map.of("key", nameKey(c.name())))
      .compose(existing -> {
        if (existing != null) {
          return Future.failedFuture(exists(c.name()));
        }
        long now = clock.millis();
        return tx.update(INSERT_MACHINE, Params.of("name", c.name(), "key", nameKey(c.name()), "group", c.group(),
            "controller", c.controller(), "kind", c.transport().getString("kind"), "transport", c.transport().encode(),
            "node", c.node(), "now", now, "actor", c.actor()))
          .map(n -> {
            Machine machine = new Machine(c.name(), c.group(), c.controller(), c.node(), TransportSpecs.shown(c.transport()),
              FileRow.iso(now), FileRow.iso(now));
            return machineEvent(machine, "created", c.actor(), now, "Registered machine " + c.name());
          });
      })))
      .recover(e -> Future.failedFuture(Dialect.isUniqueViolation(e) ? exists(r.name()) : e));
  }

  @Override
  public Future<Machine> updateMachine(MachineChange r) {
    return access.requireAdmin(r.actor(), null).compose(v -> commits.submit(key(r.name()),
      tx -> tx.row(MACHINE_FOR_UPDATE, Map.of("name", r.name() == null ? "" : r.name())).compose(row -> {
        if (row == null) {
          return Future.failedFuture(unknownMachine(r.name()));
        }
        String group = r.group() == null ? (String) row.get("machine_group") : label("group", r.group());
        String controller = r.controller() == null ? (String) row.get("controller") : label("controller", r.controller());
        String node = r.node() == null ? (String) row.get("node") : label("node", r.node());
        JsonObject previous = new JsonObject((String) row.get("transport_json"));
        JsonObject stored = r.transport() == null ? previous : specs.toStored(r.name(), r.transport(), previous);
        long now = clock.millis();
        return tx.update(UPDATE_MACHINE, Params.of("name", r.name(), "group", group, "controller", controller,
            "kind", stored.getString("kind"), "transport", stored.encode(), "node", node, "now", now))
          .map(n -> {
            Machine machine = new Machine(r.name(), group, controller, node, TransportSpecs.shown(stored),
              FileRow.iso(Rows.number(row.get("created_at"))), FileRow.iso(now));
            return machineEvent(machine, "changed", r.actor(), now, "Changed machine " + r.name());
          });
      })));
  }

  @Override
  public Future<Void> deleteMachine(MachineAction r) {
    return access.requireAdmin(r.actor(), null).compose(v -> commits.<Void>submit(key(r.name()),
      tx -> tx.row(MACHINE_FOR_UPDATE, Map.of("name", r.name() == null ? "" : r.name())).compose(row -> {
        if (row == null) {
          return Future.failedFuture(unknownMachine(r.name()));
        }
        long now = clock.millis();
        return tx.update(DELETE_MACHINE_ASSIGNMENTS, Map.of("name", r.name()))
          .compose(n -> tx.update(DELETE_MACHINE, Map.of("name", r.name())))
          .map(n -> new Outcome<Void>(null, new PendingEvent(EventTypes.MACHINE_CHANGED, null, r.actor(), now, null,
            "Deleted machine " + r.name(), new JsonObject().put("change", "deleted")
            .put("machine", new JsonObject().put("name", r.name())), null)));
      })));
  }

  // --- assignments ---

  @Override
  public Future<FileMachines> assignMachines(Assignment r) {
    return FileService.attempt(() -> {
      StorageLimits.filename(r.filename());
      if (r.machines() == null || r.machines().size() > MAX_MACHINES_PER_FILE) {
        throw TransportSpecs.invalid("machines", "is a list of at most " + MAX_MACHINES_PER_FILE + " machine names");
      }
      return List.copyOf(new LinkedHashSet<>(r.machines()));
    }).compose(machines -> commits.submit(r.filename(), tx -> tx.row(Sql.FILE_BY_NAME_FOR_UPDATE,
      Map.of("filename", r.filename())).compose(file -> {
        if (file == null || Boolean.TRUE.equals(file.get("deleted"))) {
          return Future.failedFuture(unknownFile(r.filename()));
        }
        Future<Void> known = Future.succeededFuture();
        for (String machine : machines) {
          known = known.compose(v -> tx.row(MACHINE, Map.of("name", machine == null ? "" : machine))
            .compose(row -> row == null ? Future.failedFuture(unknownMachine(machine)) : Future.succeededFuture()));
        }
        long now = clock.millis();
        List<Map<String, Object>> rows = machines.stream()
          .map(m -> Params.of("filename", r.filename(), "machine", m, "now", now, "actor", r.actor())).toList();
        List<String> sorted = machines.stream().sorted().toList();
        return known.compose(v -> tx.update(DELETE_FILE_MACHINES, Map.of("filename", r.filename())))
          .compose(n -> tx.batch(INSERT_FILE_MACHINE, rows))
          .map(v -> new Outcome<>(new FileMachines(r.filename(), sorted), new PendingEvent(EventTypes.MACHINES_ASSIGNED,
            null, r.actor(), now, null, "Machines of " + r.filename() + ": "
            + (sorted.isEmpty() ? "none" : String.join(", ", sorted)),
            new JsonObject().put("file", r.filename()).put("machines", new JsonArray(sorted)), null)));
      })));
  }

  @Override
  public Future<FileMachines> fileMachines(String filename) {
    return Database.run(pool, FILE_MACHINES, Map.of("filename", filename == null ? "" : filename)).map(rows -> {
      List<String> machines = new ArrayList<>();
      rows.forEach(row -> machines.add(row.getString("machine")));
      return new FileMachines(filename, List.copyOf(machines));
    });
  }

  // --- transfers ---

  /** The revision a send takes: its number and SHA-256. */
  record ToSend(String revision, String sha256) {
  }

  /**
   * The revision a machine gets: the file's released revision (docs/lifecycle.md), never a draft
   * checked in after it. A file without one is refused with 409 not_released.
   */
  static Future<ToSend> revisionToSend(Tx tx, FileRow file) {
    if (file.releasedRevision() == null) {
      return Future.failedFuture(new PdmError(ErrorCode.NOT_RELEASED, file.filename() + " has no released revision: "
        + "only a released revision goes to a machine", new JsonObject().put("filename", file.filename())
        .put("state", file.state())));
    }
    return tx.row(Sql.REVISION, Map.of("filename", file.filename(), "revision", file.releasedRevision()))
      .compose(rev -> rev == null
        ? Future.failedFuture(new PdmError(ErrorCode.NOT_RELEASED, file.filename() + " has no released revision"))
        : Future.succeededFuture(new ToSend(file.releasedRevision(), (String) rev.get("sha256"))));
  }

  @Override
  public Future<TransferJob> startTransfer(SendRequest r) {
    String machine = r.machine() == null ? "" : r.machine();
    String filename = r.filename() == null ? "" : r.filename();
    return Database.run(pool, MACHINE, Map.of("name", machine)).compose(rows -> {
      if (rows.size() != 1) {
        return Future.failedFuture(unknownMachine(machine));
      }
      JsonObject stored = new JsonObject(rows.iterator().next().getString("transport_json"));
      JsonObject transport;
      try {
        transport = specs.revealed(machine, stored);
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(new PdmError(ErrorCode.CONFLICT, "Machine " + machine + ": " + e.getMessage()));
      }
      return commits.submit(filename, tx -> tx.row(Sql.FILE_BY_NAME, Map.of("filename", filename))
        .compose(file -> file == null || Boolean.TRUE.equals(file.get("deleted"))
          ? Future.failedFuture(unknownFile(filename)) : tx.row(ASSIGNED, Map.of("filename", filename, "machine", machine))
          .compose(assigned -> Rows.number(assigned.get("n")) == 0
            ? Future.failedFuture(new PdmError(ErrorCode.NOT_ASSIGNED, filename + " is not assigned to machine " + machine,
              new JsonObject().put("machine", machine).put("filename", filename)))
            : revisionToSend(tx, Rows.file(file)))
          .compose(send -> {
            long now = clock.millis();
            String id = UUID.randomUUID().toString();
            TransferRecord record = new TransferRecord(id, machine, filename, send.revision(), send.sha256(), r.user(),
              r.node(), RUNNING, 0, 0, false, FileRow.iso(now), null, null);
            return tx.update(INSERT_TRANSFER, Params.of("id", id, "machine", machine, "filename", filename,
                "revision", send.revision(), "sha256", send.sha256(), "user", r.user(), "node", r.node(), "now", now))
              .map(n -> new Outcome<>(new TransferJob(record, transport), transferEvent(EventTypes.TRANSFER_STARTED,
                record, r.user(), now, "Sending " + filename + " rev " + send.revision() + " to " + machine, null)));
          })));
    });
  }

  @Override
  public Future<Void> transferAttempt(TransferAttempt a) {
    return commits.submit(transferKey(a.id()), tx -> tx.update(TRANSFER_ATTEMPT, Map.of("id", a.id(), "attempt",
        a.attempt()))
      .compose(n -> n == 0 || a.attempt() <= 1 ? Future.succeededFuture(new Outcome<Void>(null, null))
        : tx.row(TRANSFER, Map.of("id", a.id())).map(row -> {
          TransferRecord record = transfer(row::get);
          long now = clock.millis();
          JsonObject details = new JsonObject().put("transfer", JsonObject.mapFrom(record))
            .put("attempt", a.attempt()).put("lastFailure", a.lastFailure());
          return new Outcome<Void>(null, new PendingEvent(EventTypes.TRANSFER_ATTEMPT, null, record.user(), now, null,
            "Retrying " + record.filename() + " to " + record.machine() + " (attempt " + a.attempt() + ")", details, null));
        })));
  }

  @Override
  public Future<TransferRecord> finishTransfer(TransferOutcome o) {
    return commits.submit(transferKey(o.id()), tx -> tx.row(TRANSFER_FOR_UPDATE, Map.of("id", o.id() == null ? "" : o.id()))
      .compose(row -> {
        if (row == null) {
          return Future.failedFuture(new PdmError(ErrorCode.NOT_FOUND, "No transfer " + o.id()));
        }
        if (!RUNNING.equals(row.get("status"))) {
          return Future.failedFuture(new PdmError(ErrorCode.CONFLICT, "The transfer has ended already"));
        }
        long now = clock.millis();
        String status = o.succeeded() ? SUCCEEDED : FAILED;
        String reason = o.reason() == null ? null : o.reason().substring(0, Math.min(1000, o.reason().length()));
        String sha256 = o.sha256() == null ? (String) row.get("sha256") : o.sha256();
        return tx.update(FINISH_TRANSFER, Params.of("id", o.id(), "status", status, "attempts", o.attempts(),
            "bytes", o.bytes(), "sha256", sha256, "verified", o.verified(), "now", now, "reason", reason))
          .compose(n -> tx.row(TRANSFER, Map.of("id", o.id())))
          .map(updated -> {
            TransferRecord record = transfer(updated::get);
            String message = (o.succeeded() ? "Sent " : "Failed to send ") + record.filename() + " rev "
              + record.revision() + " to " + record.machine() + (o.succeeded() ? "" : ": " + reason);
            return new Outcome<>(record, transferEvent(EventTypes.TRANSFER_FINISHED, record, record.user(), now, message,
              null));
          });
      }));
  }

  @Override
  public Future<Integer> abandonTransfers(String node) {
    return Database.run(pool, RUNNING_ON_NODE, Map.of("node", node == null ? "" : node)).compose(rows -> {
      Future<Integer> chain = Future.succeededFuture(0);
      for (Row row : rows) {
        String id = row.getString("id");
        int attempts = (int) Rows.num(row, "attempts");
        chain = chain.compose(n -> finishTransfer(new TransferOutcome(id, false, 0, null, false, attempts,
            "the node stopped before the transfer ended; send it again"))
          .transform(done -> Future.succeededFuture(done.succeeded() ? n + 1 : n)));
      }
      return chain;
    });
  }

  @Override
  public Future<List<TransferRecord>> listTransfers(TransferQuery q) {
    int limit = StorageLimits.clamp(q == null || q.limit() <= 0 ? 100 : q.limit(), 1, 500);
    String machine = q == null ? null : q.machine();
    String filename = q == null ? null : q.filename();
    String sql = TRANSFERS + (machine == null ? "" : " AND machine = #{machine}")
      + (filename == null ? "" : " AND filename = #{filename}") + TRANSFERS_ORDER;
    return Database.run(pool, sql, Params.of("machine", machine, "filename", filename, "limit", limit)).map(rows -> {
        List<TransferRecord> list = new ArrayList<>();
        rows.forEach(row -> list.add(transfer(row::getValue)));
        return List.copyOf(list);
      });
  }

  // --- import queue ---

  @Override
  public Future<ImportItem> receiveImport(ImportArrival a) {
    if (a.content() == null || a.content().length == 0) {
      return Future.failedFuture(new PdmError(ErrorCode.BAD_REQUEST, "An empty program"));
    }
    if (a.content().length > MAX_IMPORT_BYTES) {
      return Future.failedFuture(new PdmError(ErrorCode.PAYLOAD_TOO_LARGE, "A program from a machine is at most "
        + MAX_IMPORT_BYTES + " bytes"));
    }
    String name = a.name() == null ? null : a.name().substring(0, Math.min(255, a.name().length()));
    return Database.run(pool, MACHINE, Map.of("name", a.machine() == null ? "" : a.machine()))
      .compose(rows -> rows.size() == 1 ? Future.succeededFuture() : Future.failedFuture(unknownMachine(a.machine())))
      .compose(v -> a.matchedFilename() != null ? Future.succeededFuture(a.matchedFilename()) : match(a, name))
      .compose(matched -> commits.submit(GroupCommit.otherKey("import", a.machine()), tx -> {
        long now = clock.millis();
        String id = UUID.randomUUID().toString();
        String sha256 = BlobStore.sha256(a.content());
        ImportItem item = new ImportItem(id, a.machine(), FileRow.iso(now), name, matched,
          a.content().length, sha256, PENDING, null, null, null, null);
        return tx.update(INSERT_IMPORT, Params.of("id", id, "machine", a.machine(), "now", now, "name", name,
            "filename", matched, "size", (long) a.content().length, "sha256", sha256,
            "content", Base64.getEncoder().encodeToString(a.content())))
          .map(n -> new Outcome<>(item, new PendingEvent(EventTypes.IMPORT_RECEIVED, null, StorageLimits.SYSTEM_ACTOR,
            now, null, "Program " + (name == null ? "" : name + " ") + "came back from " + a.machine()
            + (matched == null ? "" : " for " + matched),
            new JsonObject().put("item", JsonObject.mapFrom(item)), null)));
      }));
  }

  /** The vault file a program from a machine belongs to (by name, then program number), or null. */
  private Future<String> match(ImportArrival a, String name) {
    return Database.run(pool, LIVE_FILENAMES, Map.of()).compose(rows -> {
      List<String> names = new ArrayList<>();
      rows.forEach(row -> names.add(row.getString("filename")));
      ImportedProgram program = new ImportedProgram(a.machine(), clock.instant(), name, a.content());
      return vertx.executeBlocking(() -> ProgramMatcher.match(program, names).orElse(null), false);
    });
  }

  @Override
  public Future<List<ImportItem>> importQueue(ImportQuery q) {
    int limit = StorageLimits.clamp(q == null || q.limit() <= 0 ? 100 : q.limit(), 1, 500);
    boolean pendingOnly = q != null && q.pendingOnly();
    return Database.run(pool, IMPORTS, Params.of("a", PENDING,
      "b", pendingOnly ? PENDING : ACCEPTED, "c", pendingOnly ? PENDING : REJECTED, "limit", limit)).map(rows -> {
      List<ImportItem> items = new ArrayList<>();
      rows.forEach(row -> items.add(importItem(row::getValue)));
      return List.copyOf(items);
    });
  }

  @Override
  public Future<ImportContent> importContent(String id) {
    return Database.run(pool, IMPORT, Map.of("id", id == null ? "" : id)).compose(rows -> {
      if (rows.size() != 1) {
        return Future.failedFuture(unknownImport(id));
      }
      Row row = rows.iterator().next();
      return Future.succeededFuture(new ImportContent(importItem(row::getValue),
        Base64.getDecoder().decode(row.getString("content_b64"))));
    });
  }

  @Override
  public Future<StorageApi.Diff> importDiff(ImportCompare q) {
    return importContent(q.id()).compose(found -> {
      String filename = q.filename() != null ? q.filename() : found.item().filename();
      if (filename == null) {
        return Future.failedFuture(TransportSpecs.invalid("filename", "is required: the program matched no vault file"));
      }
      if (found.content().length > TextDiff.MAX_BYTES) {
        return Future.failedFuture(new PdmError(ErrorCode.PAYLOAD_TOO_LARGE, "Programs larger than 20 MB are not compared"));
      }
      // the machine had the released revision: compare with it (the current one when none is released)
      return files.getFile(filename)
        .compose(file -> files.content(new StorageApi.ContentQuery(filename, file.releasedRevision())))
        .compose(location -> vertx.executeBlocking(() -> {
          byte[] current = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(location.path()));
          if (TextDiff.isBinary(current) || TextDiff.isBinary(found.content())) {
            throw new PdmError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Binary content has no differences to show");
          }
          return new StorageApi.Diff(filename, location.revision(), "machine",
            TextDiff.unified(filename, location.revision(), current, "machine", found.content()));
        }, false));
    });
  }

  @Override
  public Future<ImportItem> decideImport(ImportDecision d) {
    return access.requireRole(d.actor(), Roles.APPROVER)
      .compose(v -> importContent(d.id()))
      .compose(found -> {
        if (!PENDING.equals(found.item().status())) {
          return Future.failedFuture(decided(found.item()));
        }
        if (!d.accept()) {
          return decide(found.item(), REJECTED, d.actor(), StorageLimits.text("message", d.message(), false),
            found.item().filename(), null);
        }
        String filename = d.filename() != null ? d.filename() : found.item().filename();
        if (filename == null) {
          return Future.failedFuture(TransportSpecs.invalid("filename", "is required: the program matched no vault file"));
        }
        String message = StorageLimits.text("message", d.message(), true);
        synchronized (accepting) {
          if (!accepting.add(found.item().id())) {
            return Future.failedFuture(new PdmError(ErrorCode.CONFLICT, "This import is being accepted already"));
          }
        }
        return accept(found, filename, message, d.actor())
          .eventually(() -> {
            synchronized (accepting) {
              accepting.remove(found.item().id());
            }
            return Future.succeededFuture();
          });
      });
  }

  /**
   * A new revision through the normal check-in: the acceptor checks the file out (unless they hold
   * it already, then it stays theirs), the program is staged like an upload and checked in.
   */
  private Future<ImportItem> accept(ImportContent found, String filename, String message, String actor) {
    String reason = "Import from machine " + found.item().machine();
    return files.getFile(filename).compose(file -> {
      if (file.deleted()) {
        return Future.failedFuture(unknownFile(filename));
      }
      boolean held = actor.equals(file.lockedBy());
      if (file.lockedBy() != null && !held) {
        return Future.failedFuture(new PdmError(ErrorCode.FILE_LOCKED, "File is already locked by " + file.lockedBy(),
          new JsonObject().put("lockedBy", file.lockedBy()).put("lockedAt", file.lockedAt())));
      }
      Future<FileInfo> locked = held ? Future.succeededFuture(file)
        : files.checkout(new StorageApi.Checkout(filename, actor, null, reason));
      return locked.compose(l -> vertx.executeBlocking(() -> blobs.stage(found.content()), false)
          .compose(staged -> files.checkin(new StorageApi.Checkin(filename, actor, null, message, false, held, staged)))
          .recover(e -> (held ? Future.<FileInfo>succeededFuture()
            : files.cancelCheckout(new StorageApi.FileAction(filename, actor, null)))
            .transform(ignored -> Future.<FileInfo>failedFuture(e))))
        .compose(revision -> decide(found.item(), ACCEPTED, actor, message, filename, revision.revision()));
    });
  }

  private Future<ImportItem> decide(ImportItem item, String status, String actor, String message, String filename,
                                    String revision) {
    return commits.submit(GroupCommit.otherKey("import", item.machine()), tx -> tx.row(IMPORT_FOR_UPDATE, Map.of("id", item.id()))
      .compose(row -> {
        if (row == null || !PENDING.equals(row.get("status"))) {
          return Future.failedFuture(row == null ? unknownImport(item.id()) : decided(item));
        }
        long now = clock.millis();
        ImportItem decided = new ImportItem(item.id(), item.machine(), item.receivedAt(), item.name(), filename,
          item.size(), item.sha256(), status, actor, FileRow.iso(now), message, revision);
        return tx.update(DECIDE_IMPORT, Params.of("id", item.id(), "status", status, "actor", actor, "now", now,
            "message", message, "revision", revision, "filename", filename))
          .map(n -> new Outcome<>(decided, new PendingEvent(EventTypes.IMPORT_DECIDED, null, actor, now, null,
            (ACCEPTED.equals(status) ? "Accepted " : "Rejected ") + "the program from " + item.machine()
            + (filename == null ? "" : " for " + filename) + (revision == null ? "" : " as rev " + revision),
            new JsonObject().put("item", JsonObject.mapFrom(decided)), null)));
      }));
  }

  @Override
  public Future<List<MachineTarget>> targets() {
    return Database.run(pool, MACHINES, Map.of()).map(rows -> {
      List<MachineTarget> targets = new ArrayList<>();
      rows.forEach(row -> {
        String name = row.getString("name");
        try {
          targets.add(new MachineTarget(name, row.getString("node"),
            specs.revealed(name, new JsonObject(row.getString("transport_json")))));
        } catch (IllegalArgumentException e) {
          LOG.warn("Machine {}: {}", name, e.getMessage());
        }
      });
      return List.copyOf(targets);
    });
  }

  // --- helpers ---

  private static Outcome<Machine> machineEvent(Machine machine, String change, String actor, long now, String message) {
    return new Outcome<>(machine, new PendingEvent(EventTypes.MACHINE_CHANGED, null, actor, now, null, message,
      new JsonObject().put("change", change).put("machine", JsonObject.mapFrom(machine)), null));
  }

  private static PendingEvent transferEvent(String type, TransferRecord record, String user, long now, String message,
                                            JsonObject extra) {
    JsonObject details = new JsonObject().put("transfer", JsonObject.mapFrom(record));
    if (extra != null) {
      details.mergeIn(extra);
    }
    return new PendingEvent(type, null, user, now, null, message, details, null);
  }

  private static Machine machine(Function<String, Object> column) {
    return new Machine((String) column.apply("name"), (String) column.apply("machine_group"),
      (String) column.apply("controller"), (String) column.apply("node"), TransportSpecs.shown(new JsonObject((String) column.apply("transport_json"))),
      FileRow.iso(Rows.number(column.apply("created_at"))), FileRow.iso(Rows.number(column.apply("updated_at"))));
  }

  private static TransferRecord transfer(Function<String, Object> column) {
    Object finished = column.apply("finished_at");
    return new TransferRecord((String) column.apply("id"), (String) column.apply("machine"),
      (String) column.apply("filename"), (String) column.apply("revision"), (String) column.apply("sha256"),
      (String) column.apply("username"), (String) column.apply("node"), (String) column.apply("status"),
      (int) Rows.number(column.apply("attempts")), Rows.number(column.apply("bytes")),
      Boolean.TRUE.equals(column.apply("verified")), FileRow.iso(Rows.number(column.apply("started_at"))),
      finished == null ? null : FileRow.iso(Rows.number(finished)), (String) column.apply("reason"));
  }

  private static ImportItem importItem(Function<String, Object> column) {
    Object decidedAt = column.apply("decided_at");
    return new ImportItem((String) column.apply("id"), (String) column.apply("machine"),
      FileRow.iso(Rows.number(column.apply("received_at"))), (String) column.apply("name"),
      (String) column.apply("filename"), Rows.number(column.apply("size")), (String) column.apply("sha256"),
      (String) column.apply("status"), (String) column.apply("decided_by"),
      decidedAt == null ? null : FileRow.iso(Rows.number(decidedAt)), (String) column.apply("message"),
      (String) column.apply("revision"));
  }

  static String machineName(String name) {
    if (name == null || name.isEmpty() || name.length() > 64 || !name.matches("[A-Za-z0-9][A-Za-z0-9 _.\\-]*")
      || name.endsWith(" ")) {
      throw TransportSpecs.invalid("name", "is 1 to 64 letters, digits, spaces, '_', '.' or '-', starting with a "
        + "letter or digit");
    }
    return name;
  }

  private static String label(String field, String value) {
    if (value == null) {
      return "";
    }
    if (value.length() > 100 || value.chars().anyMatch(c -> c < 0x20)) {
      throw TransportSpecs.invalid(field, "is at most 100 characters without control characters");
    }
    return value.strip();
  }

  private static String nameKey(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private static String key(String machine) {
    return GroupCommit.otherKey("machine", machine);
  }

  private static String transferKey(String id) {
    return GroupCommit.otherKey("transfer", id);
  }

  private static PdmError exists(String name) {
    return new PdmError(ErrorCode.ALREADY_EXISTS, "A machine named " + name + " exists already");
  }

  static PdmError unknownMachine(String name) {
    return new PdmError(ErrorCode.NOT_FOUND, "There is no machine named " + name,
      new JsonObject().put("machine", name));
  }

  private static PdmError unknownFile(String filename) {
    return new PdmError(ErrorCode.NOT_FOUND, "File not found: " + filename);
  }

  private static PdmError unknownImport(String id) {
    return new PdmError(ErrorCode.NOT_FOUND, "There is no program " + id + " in the import queue");
  }

  private static PdmError decided(ImportItem item) {
    return new PdmError(ErrorCode.CONFLICT, "This program was " + item.status() + " already");
  }
}
