package com.ncvault.api;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * The one way a password given to the api is checked (a login, a Git LFS password, a release's
 * signature): within the node's {@link LoginGate} (503 untried, answered a second later, when the node
 * has as many checks under way as it takes), then under the name's {@link LoginThrottle} (an attempt reserved before the
 * password is checked, 429 untried when the name has none left, the name cleared by a right one).
 */
final class PasswordChecks {

  private final LoginGate gate;
  private final LoginThrottle throttle;

  PasswordChecks(LoginGate gate, LoginThrottle throttle) {
    this.gate = gate;
    this.throttle = throttle;
  }

  /**
   * Runs {@code check}, which checks {@code username}'s password, within the gate and the name's
   * throttle; {@code tooMany} begins the 429's message.
   */
  <T> Future<T> check(String username, String tooMany, Supplier<Future<T>> check) {
    return gate.run(() -> throttle.reserve(username).compose(attempt -> {
      if (!attempt.granted()) {
        long seconds = Math.max(1, (attempt.retryAfter().toMillis() + 999) / 1000);
        return Future.failedFuture(new PdmError(ErrorCode.TOO_MANY_REQUESTS,
          tooMany + " - try again in " + seconds + " s", new JsonObject().put("retryAfterSeconds", seconds)));
      }
      // reserved before the password is checked, the attempt counts whatever the answer but a right one
      return check.get()
        .compose(result -> throttle.recordSuccess(username).transform(cleared -> Future.succeededFuture(result)));
    }));
  }
}
