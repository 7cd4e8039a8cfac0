package com.ncvault.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.Account;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionVerifierTest {

  private final Vertx vertx = Vertx.vertx();
  private final Tokens tokens = new Tokens(vertx, "a test signing key of enough length", 3600);
  private final Map<String, Promise<Account>> asked = new HashMap<>();
  private final List<String> lookups = new ArrayList<>();
  /** Storage that answers account lookups only when the test says so. */
  private final StorageApi storage = (StorageApi) Proxy.newProxyInstance(StorageApi.class.getClassLoader(),
    new Class<?>[] {StorageApi.class}, (self, method, args) -> {
      if (!method.getName().equals("account")) {
        throw new UnsupportedOperationException(method.getName());
      }
      lookups.add((String) args[0]);
      return asked.computeIfAbsent((String) args[0], name -> Promise.promise()).future();
    });
  private final SessionVerifier verifier = new SessionVerifier(tokens, storage,
    new UserCache(new MutableClock(), Duration.ofSeconds(3)));

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static Account ann(String id, long sessionsSince) {
    return new Account("ann", "programmer", "2026-01-01T00:00:00Z", sessionsSince, id);
  }

  @Test
  void checksArrivingWhileStorageIsAskedShareItsAnswerInTheirOrder() {
    String token = tokens.issue("ann", "id-1", "programmer").token();
    List<String> decided = new ArrayList<>();
    Future<Session> first = verifier.verify(token).onSuccess(s -> decided.add("first"));
    Future<Session> second = verifier.verify(token).onSuccess(s -> decided.add("second"));
    asked.get("ann").complete(ann("id-1", 0));
    assertThat(first.await().role()).isEqualTo("programmer");
    assertThat(second.await().accountId()).isEqualTo("id-1");
    assertThat(decided).containsExactly("first", "second");
    assertThat(lookups).containsExactly("ann");
  }

  @Test
  void aTokenOfAnotherAccountOfTheSameNameOrOfAnEndedSessionIsRefused() {
    String token = tokens.issue("ann", "id-1", "programmer").token();
    Future<Session> otherAccount = verifier.verify(token);
    asked.get("ann").complete(ann("id-2", 0));
    assertThat(code(otherAccount)).isEqualTo(ErrorCode.UNAUTHENTICATED);

    verifier.forget("ann");
    asked.clear();
    Future<Session> ended = verifier.verify(token);
    asked.get("ann").complete(ann("id-1", System.currentTimeMillis() + 1000));
    assertThat(code(ended)).isEqualTo(ErrorCode.UNAUTHENTICATED);
  }

  private static ErrorCode code(Future<?> future) {
    try {
      future.await();
      return null;
    } catch (PdmError e) {
      return e.code();
    }
  }
}
