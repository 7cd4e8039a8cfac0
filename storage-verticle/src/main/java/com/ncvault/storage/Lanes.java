package com.ncvault.storage;

import com.ncvault.contract.StorageApi.LaneState;
import com.ncvault.contract.StorageLimits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The blocking work of a node's storage, by kind. Password hashing gets half the cores at most, so
 * a flood of logins (anonymous ones included) always leaves CPU for everyone else, and a short
 * backlog beyond which logins are refused with 503; blob I/O (fsync, ingest, reads, presence
 * checks) its own threads; diffs one or two threads and a short backlog; interpreting NC programs
 * into facts half the cores, with a backlog beyond which a request for facts is refused with 503.
 */
record Lanes(Lane crypto, Lane blob, Lane diff, Lane facts) {

  static Lanes create(Vertx vertx) {
    int cores = Runtime.getRuntime().availableProcessors();
    int crypto = StorageLimits.passwordCheckThreads(cores);
    int diff = Math.max(1, cores / 2);
    int facts = Math.max(1, cores / 2);
    return new Lanes(
      new Lane(vertx, "crypto", crypto, crypto * StorageLimits.PASSWORD_CHECKS_WAITING_PER_THREAD),
      new Lane(vertx, "blob", Math.max(4, cores * 2), -1),
      new Lane(vertx, "diff", diff, diff * 2),
      new Lane(vertx, "facts", facts, facts * 16));
  }

  Map<String, LaneState> states() {
    Map<String, LaneState> states = new LinkedHashMap<>();
    for (Lane lane : new Lane[] {crypto, blob, diff, facts}) {
      states.put(lane.name(), lane.state());
    }
    return states;
  }

  Future<Void> close() {
    return Future.all(crypto.close(), blob.close(), diff.close(), facts.close()).mapEmpty();
  }
}
