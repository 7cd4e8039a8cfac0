package com.ncvault.api;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StorageApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * A deleted file's content is for admins, who may look at it before they restore it. For anyone
 * else it is gone: 404 on every route that serves content or what is made of it (download, zip,
 * diff, program facts, toolpath drawing). The file's record and history stay visible, as in the list.
 */
final class DeletedContent {

  private final StorageApi storage;

  DeletedContent(StorageApi storage) {
    this.storage = storage;
  }

  /** Succeeds when {@code user} may read the content of {@code filename}; 404 when it is deleted and they are no admin. */
  Future<Void> check(SessionUser user, String filename) {
    if (Roles.ADMIN.equals(user.role())) {
      return Future.succeededFuture();
    }
    return storage.getFile(filename).compose(file -> file.deleted()
      ? Future.failedFuture(new PdmError(ErrorCode.NOT_FOUND, filename + " is deleted; only an admin can read its content",
        new JsonObject().put("filename", filename)))
      : Future.succeededFuture());
  }
}
