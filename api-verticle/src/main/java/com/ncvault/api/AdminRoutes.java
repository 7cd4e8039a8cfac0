package com.ncvault.api;

import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.NewUser;
import com.ncvault.contract.StorageApi.PasswordChange;
import com.ncvault.contract.StorageApi.RoleChange;
import com.ncvault.contract.StorageApi.UserAction;
import com.ncvault.contract.StorageApi.Decommission;
import com.ncvault.contract.StorageApi.NodeAction;
import com.ncvault.contract.StorageApi.AuditQuery;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import java.util.List;
import java.util.Map;
import com.ncvault.contract.Addresses;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.Notification;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
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
  private final StorageApi storage;
  private final Authenticator authenticator;

  AdminRoutes(Vertx vertx, StorageApi storage, Authenticator authenticator) {
    this.vertx = vertx;
    this.storage = storage;
    this.authenticator = authenticator;
  }

  /**
   * The audit trail from {@code from} to {@code to} (days or UTC times, both optional) as CSV, written
   * off the event loop.
   */
  void auditCsv(RoutingContext ctx) {
    long from = AuditCsv.bound(Input.queryString(ctx, "from", 40), "from", false, 0L);
    long to = AuditCsv.bound(Input.queryString(ctx, "to", 40), "to", true, Long.MAX_VALUE);
    SessionUser user = ApiRouter.user(ctx);
    storage.audit(new AuditQuery(from, to, user.username(), user.role()))
      .compose(trail -> vertx.executeBlocking(() -> AuditCsv.write(trail), false)
        .map(csv -> {
          if (trail.truncated()) {
            ctx.response().putHeader("X-PDM-Truncated", "true");
          }
          return csv;
        }))
      .compose(csv -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, AuditCsv.CONTENT_TYPE)
        .putHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"audit.csv\"")
        .end(csv))
      .onFailure(ctx::fail);
  }

  void listUsers(RoutingContext ctx) {
    storage.listUsers()
      .onSuccess(users -> Replies.json(ctx, Map.of("users", users)))
      .onFailure(ctx::fail);
  }

  void createUser(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    NewUser request = new NewUser(Input.requiredString(body, "username", MAX_NAME),
      Input.requiredString(body, "password", MAX_PASSWORD), role(body), ApiRouter.user(ctx).username());
    storage.createUser(request)
      .onComplete(done -> authenticator.forget(request.username()))
      .onSuccess(user -> Replies.json(ctx, 201, user))
      .onFailure(ctx::fail);
  }

  void changeRole(RoutingContext ctx) {
    String username = ctx.pathParam("username");
    RoleChange request = new RoleChange(username, role(Input.jsonBody(ctx)), ApiRouter.user(ctx).username());
    storage.changeRole(request)
      .onComplete(done -> authenticator.forget(username))
      .onSuccess(user -> Replies.json(ctx, user))
      .onFailure(ctx::fail);
  }

  /** A new password also ends the account's sessions (tokens from before are refused). */
  void setPassword(RoutingContext ctx) {
    String username = ctx.pathParam("username");
    PasswordChange request = new PasswordChange(username,
      Input.requiredString(Input.jsonBody(ctx), "password", MAX_PASSWORD), ApiRouter.user(ctx).username());
    storage.setPassword(request)
      .onComplete(done -> authenticator.forget(username))
      .onSuccess(user -> Replies.json(ctx, user))
      .onFailure(ctx::fail);
  }

  void deleteUser(RoutingContext ctx) {
    String username = ctx.pathParam("username");
    storage.deleteUser(new UserAction(username, ApiRouter.user(ctx).username()))
      .onComplete(done -> authenticator.forget(username))
      .onSuccess(reply -> Replies.noContent(ctx))
      .onFailure(ctx::fail);
  }

  /** The nodes of the cluster and how much of the vault's content each holds. */
  void nodes(RoutingContext ctx) {
    storage.nodes()
      .onSuccess(nodes -> Replies.json(ctx, nodes))
      .onFailure(ctx::fail);
  }

  /**
   * Takes a stopped node out of the cluster: {force: true} optional (see
   * {@link StorageApi#decommissionNode}). A node that is a member visible from here is running and
   * is refused with 409: stopping it first means no upload lands on a node no one asks any more.
   */
  void decommissionNode(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    Object force = Input.jsonBody(ctx).getValue("force");
    if (force != null && !(force instanceof Boolean)) {
      throw Input.invalid("force", "must be true or false");
    }
    Decommission request = new Decommission(name, ApiRouter.user(ctx).username(), Boolean.TRUE.equals(force));
    runningMembers()
      .compose(members -> members.contains(name)
        ? Future.failedFuture(new PdmError(ErrorCode.CONFLICT, "Node " + name + " is running (a member of the "
          + "cluster); stop it before decommissioning it", new JsonObject().put("node", name)))
        : storage.decommissionNode(request))
      .onSuccess(node -> Replies.json(ctx, node))
      .onFailure(ctx::fail);
  }

  /** A decommissioned node may start, serve and be asked for content again. */
  void reinstateNode(RoutingContext ctx) {
    storage.reinstateNode(new NodeAction(ctx.pathParam("name"), ApiRouter.user(ctx).username()))
      .onSuccess(node -> Replies.json(ctx, node))
      .onFailure(ctx::fail);
  }

  /** The vault nodes that are members visible from here; none on a single node. */
  private Future<List<String>> runningMembers() {
    return vertx.eventBus().<JsonObject>request(Addresses.CLUSTER_STATUS, new JsonObject(),
        new DeliveryOptions().setSendTimeout(SystemRoutes.HEALTH_TIMEOUT_MS))
      .map(reply -> reply.body().getJsonArray("members", new JsonArray()).stream().map(String::valueOf).toList())
      .recover(e -> e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS
        ? Future.succeededFuture(List.of())
        : Future.failedFuture(new PdmError(ErrorCode.UNAVAILABLE, "The cluster's members are not known now; "
          + "try again")));
  }

  /** {to, text}: kept in the recipient's inbox and published to their browsers on every node (Addresses.NOTIFY). */
  void sendMessage(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    String to = Input.requiredString(body, "to", MAX_NAME);
    String text = Input.requiredString(body, "text", MAX_MESSAGE);
    String from = ApiRouter.user(ctx).username();
    Notification message = new Notification(to, from, Notification.KIND_MESSAGE, null, text, Instant.now().toString());
    storage.sendNotice(message)
      .recover(t -> {
        PdmError error = PdmError.from(t);
        return Future.failedFuture(error.code() == ErrorCode.NOT_FOUND
          ? new PdmError(ErrorCode.NOT_FOUND, "No user " + to, new JsonObject().put("username", to)) : error);
      })
      .onSuccess(v -> Replies.json(ctx, 202, JsonObject.mapFrom(message)))
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
