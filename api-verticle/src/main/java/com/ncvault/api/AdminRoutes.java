package com.ncvault.api;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.Notification;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StorageActions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/** User management and admin messages. */
final class AdminRoutes {

  static final int MAX_MESSAGE = 2000;
  private static final int MAX_NAME = 100;
  private static final int MAX_PASSWORD = 1000;

  private final Vertx vertx;
  private final StorageClient storage;
  private final Authenticator authenticator;

  AdminRoutes(Vertx vertx, StorageClient storage, Authenticator authenticator) {
    this.vertx = vertx;
    this.storage = storage;
    this.authenticator = authenticator;
  }

  void listUsers(RoutingContext ctx) {
    storage.call(StorageActions.USERS_LIST, new JsonObject())
      .onSuccess(reply -> Replies.json(ctx, reply))
      .onFailure(ctx::fail);
  }

  void createUser(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    JsonObject request = new JsonObject()
      .put("username", Input.requiredString(body, "username", MAX_NAME))
      .put("password", Input.requiredString(body, "password", MAX_PASSWORD))
      .put("role", role(body))
      .put("user", ApiRouter.user(ctx).username());
    storage.call(StorageActions.USERS_CREATE, request)
      .onSuccess(user -> Replies.json(ctx, 201, user))
      .onFailure(ctx::fail);
  }

  void changeRole(RoutingContext ctx) {
    String username = ctx.pathParam("username");
    JsonObject request = new JsonObject()
      .put("username", username)
      .put("role", role(Input.jsonBody(ctx)))
      .put("user", ApiRouter.user(ctx).username());
    storage.call(StorageActions.USERS_UPDATE, request)
      .onComplete(done -> authenticator.forget(username))
      .onSuccess(user -> Replies.json(ctx, user))
      .onFailure(ctx::fail);
  }

  /** A new password also ends the account's sessions (tokens from before are refused). */
  void setPassword(RoutingContext ctx) {
    String username = ctx.pathParam("username");
    JsonObject request = new JsonObject()
      .put("username", username)
      .put("password", Input.requiredString(Input.jsonBody(ctx), "password", MAX_PASSWORD))
      .put("user", ApiRouter.user(ctx).username());
    storage.call(StorageActions.USERS_PASSWORD, request)
      .onComplete(done -> authenticator.forget(username))
      .onSuccess(user -> Replies.json(ctx, user))
      .onFailure(ctx::fail);
  }

  void deleteUser(RoutingContext ctx) {
    String username = ctx.pathParam("username");
    storage.call(StorageActions.USERS_DELETE, new JsonObject().put("username", username).put("user", ApiRouter.user(ctx).username()))
      .onComplete(done -> authenticator.forget(username))
      .onSuccess(reply -> Replies.noContent(ctx))
      .onFailure(ctx::fail);
  }

  /** The nodes of the cluster and how much of the vault's content each holds. */
  void nodes(RoutingContext ctx) {
    storage.call(StorageActions.NODES_LIST, new JsonObject())
      .onSuccess(reply -> Replies.json(ctx, reply))
      .onFailure(ctx::fail);
  }

  /** {to, text}: published to the recipient's browsers on every node (Addresses.NOTIFY). */
  void sendMessage(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    String to = Input.requiredString(body, "to", MAX_NAME);
    String text = Input.requiredString(body, "text", MAX_MESSAGE);
    String from = ApiRouter.user(ctx).username();
    storage.call(StorageActions.USERS_GET, new JsonObject().put("username", to))
      .recover(t -> {
        PdmError error = PdmError.from(t);
        return Future.failedFuture(error.code() == ErrorCode.NOT_FOUND
          ? new PdmError(ErrorCode.NOT_FOUND, "No user " + to, new JsonObject().put("username", to)) : error);
      })
      .onSuccess(user -> {
        Notification message = new Notification(user.getString("username", to), from, Notification.KIND_MESSAGE,
          null, text, Instant.now().toString());
        JsonObject json = JsonObject.mapFrom(message);
        vertx.eventBus().publish(Addresses.NOTIFY, json);
        Replies.json(ctx, 202, json);
      })
      .onFailure(ctx::fail);
  }

  private static String role(JsonObject body) {
    String role = Input.requiredString(body, "role", 20);
    if (!Roles.ALL.contains(role)) {
      throw Input.invalid("role", "must be one of " + String.join(", ", Roles.ALL));
    }
    return role;
  }
}
