package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.Map;

/**
 * Role checks inside storage, behind the api's own: admin operations need the caller's stored
 * role to be admin (a role claimed in the request must agree), so a demoted admin with a
 * still-valid token cannot act as one.
 */
final class Access {

  private final Pool pool;

  Access(Pool pool) {
    this.pool = pool;
  }

  /** When the request names the caller's role, it must be at least {@code required}. */
  static void requireClaimedRole(String claimedRole, String required) {
    if (claimedRole != null && !Roles.atLeast(claimedRole, required)) {
      throw new PdmError(ErrorCode.FORBIDDEN, "This needs the role " + required);
    }
  }

  /** Succeeds when {@code user} is an admin in the users table (and the claimed role, if any, too). */
  Future<Void> requireAdmin(String user, String claimedRole) {
    if (claimedRole != null && !Roles.ADMIN.equals(claimedRole)) {
      return Future.failedFuture(forbidden());
    }
    return Database.run(pool, Sql.USER, Map.of("username", user))
      .compose(rows -> rows.size() == 1 && Roles.ADMIN.equals(rows.iterator().next().getString("role"))
        ? Future.<Void>succeededFuture()
        : Future.failedFuture(forbidden()));
  }

  /**
   * Succeeds when {@code user}'s stored role (not one a token claims) is at least {@code required}.
   */
  Future<Void> requireRole(String user, String required) {
    return Database.run(pool, Sql.USER, Map.of("username", user == null ? "" : user))
      .compose(rows -> rows.size() == 1 && Roles.atLeast(rows.iterator().next().getString("role"), required)
        ? Future.<Void>succeededFuture()
        : Future.failedFuture(new PdmError(ErrorCode.FORBIDDEN, "This needs the role " + required)));
  }

  private static PdmError forbidden() {
    return new PdmError(ErrorCode.FORBIDDEN, "Only an admin may do this");
  }
}
