package com.ncvault.auth;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.Account;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one check of a login token, for every door of a node (REST, /ws and the TCP bridge): what
 * {@link Tokens#verify} checks (signature, algorithm, issuer, expiry, scope, the claims' types),
 * then the account as storage knows it now, through a cache of a few seconds: it must still exist,
 * be the account the token was issued for (its immutable id, not another account created under the
 * same name since), and its sessions must not have ended (a new password) after the token's began.
 * Every refusal is a {@link PdmError} with {@link ErrorCode#UNAUTHENTICATED}.
 */
public final class SessionVerifier {

  private final Tokens tokens;
  private final StorageApi storage;
  private final UserCache cache;
  /** Storage lookups under way, by username; used from one event loop (each api instance and the bridge has its own verifier). */
  private final Map<String, Future<Account>> asking = new HashMap<>();

  public SessionVerifier(Tokens tokens, StorageApi storage, UserCache cache) {
    this.tokens = tokens;
    this.storage = storage;
    this.cache = cache;
  }

  public Future<Session> verify(String token) {
    return tokens.verify(token).compose(verified -> currentUser(verified.username()).compose(account -> {
      if (!account.id().equals(verified.accountId())) {
        // the token's account was deleted; this is another account of the same name
        return Future.failedFuture(new PdmError(ErrorCode.UNAUTHENTICATED, "This account no longer exists"));
      }
      if (verified.sessionStartMs() < account.sessionsSince()) {
        return Future.failedFuture(new PdmError(ErrorCode.UNAUTHENTICATED,
          "The password of this account was changed - please log in again"));
      }
      return Future.succeededFuture(new Session(account.username(), account.id(), account.role(),
        verified.sessionStartMs(), verified.expiresAt(), verified.liveOnly()));
    }));
  }

  /**
   * The user as storage knows it now; 401 when the account no longer exists. Checks that arrive
   * while storage is being asked wait for that answer, in the order they came: a bridge client's
   * register and the request after it are decided in the order it sent them.
   */
  public Future<Account> currentUser(String username) {
    Optional<Account> cached = cache.get(username);
    if (cached.isPresent()) {
      return Future.succeededFuture(cached.get());
    }
    Future<Account> pending = asking.get(username);
    if (pending != null) {
      return pending;
    }
    Future<Account> asked = storage.account(username)
      .onSuccess(cache::put)
      .recover(t -> {
        PdmError error = PdmError.from(t);
        if (error.code() == ErrorCode.NOT_FOUND) {
          return Future.failedFuture(new PdmError(ErrorCode.UNAUTHENTICATED, "This account no longer exists"));
        }
        return Future.failedFuture(error);
      });
    asking.put(username, asked);
    asked.onComplete(done -> asking.remove(username, asked));
    return asked;
  }

  /** After a change to the account (here or, told by its event, anywhere): the next check asks storage. */
  public void forget(String username) {
    cache.forget(username);
    asking.remove(username);
  }
}
