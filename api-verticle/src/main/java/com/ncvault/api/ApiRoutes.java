package com.ncvault.api;

import static com.ncvault.api.Access.ADMIN;
import static com.ncvault.api.Access.APPROVER;
import static com.ncvault.api.Access.PROGRAMMER;
import static com.ncvault.api.Access.PUBLIC;
import static com.ncvault.api.Access.VIEWER;
import static com.ncvault.api.ApiRoute.Body.JSON;
import static com.ncvault.api.ApiRoute.Body.STREAM;
import static com.ncvault.api.ApiRoute.Body.UPGRADE;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;

import java.util.List;

/**
 * The route table: every route of the node with the least role that may call it. The role checks
 * happen here (see {@link ApiRouter}), except two of the Git LFS routes whose need depends on the
 * body (see {@link LfsRoutes}); docs/openapi.yaml describes the same routes.
 */
final class ApiRoutes {

  private ApiRoutes() {
  }

  static List<ApiRoute> table(AuthRoutes auth, FileRoutes files, ZipDownload zip, ProgramRoutes programs,
                              DashboardRoutes dashboard, InboxRoutes inbox,
                              AdminRoutes admin, MachineRoutes machines, SystemRoutes system, WebSocketGate webSocket, InternalRoutes internal,
                              LfsRoutes lfs) {
    return List.of(
      new ApiRoute(POST, "/api/auth/login", PUBLIC, JSON, auth::login),
      new ApiRoute(POST, "/api/auth/logout", PUBLIC, JSON, auth::logout),
      new ApiRoute(GET, "/api/auth/me", VIEWER, JSON, auth::me),
      new ApiRoute(GET, "/api/auth/live-token", VIEWER, JSON, auth::liveToken),

      new ApiRoute(GET, "/api/files", VIEWER, JSON, files::list),
      new ApiRoute(POST, "/api/files", PROGRAMMER, STREAM, files::create),
      // Changes nothing, but a POST: the list of names is a body (too long for a URL).
      new ApiRoute(POST, "/api/files/download.zip", VIEWER, JSON, zip::download),
      new ApiRoute(GET, "/api/files/:filename", VIEWER, JSON, files::get),
      new ApiRoute(GET, "/api/files/:filename/content", VIEWER, JSON, files::content),
      new ApiRoute(GET, "/api/files/:filename/history", VIEWER, JSON, files::history),
      new ApiRoute(GET, "/api/files/:filename/diff", VIEWER, JSON, files::diff),
      new ApiRoute(GET, "/api/files/:filename/program", VIEWER, JSON, programs::facts),
      new ApiRoute(GET, "/api/files/:filename/toolpath.svg", VIEWER, JSON, programs::toolpath),
      new ApiRoute(POST, "/api/files/:filename/checkout", PROGRAMMER, JSON, files::checkout),
      new ApiRoute(POST, "/api/files/:filename/checkin", PROGRAMMER, STREAM, files::checkin),
      new ApiRoute(POST, "/api/files/:filename/cancel-checkout", PROGRAMMER, JSON, files::cancelCheckout),
      // who may make which transition is the lifecycle's configuration, checked by storage
      new ApiRoute(POST, "/api/files/:filename/transition", VIEWER, JSON, files::transition),
      new ApiRoute(POST, "/api/files/:filename/override", ADMIN, JSON, files::override),
      new ApiRoute(DELETE, "/api/files/:filename", ADMIN, JSON, files::delete),
      new ApiRoute(POST, "/api/files/:filename/restore", ADMIN, JSON, files::restore),
      new ApiRoute(GET, "/api/files/:filename/machines", VIEWER, JSON, machines::fileMachines),
      new ApiRoute(PUT, "/api/files/:filename/machines", PROGRAMMER, JSON, machines::assign),

      new ApiRoute(GET, "/api/machines", VIEWER, JSON, machines::list),
      new ApiRoute(POST, "/api/machines", ADMIN, JSON, machines::create),
      new ApiRoute(PATCH, "/api/machines/:machine", ADMIN, JSON, machines::update),
      new ApiRoute(DELETE, "/api/machines/:machine", ADMIN, JSON, machines::delete),
      new ApiRoute(POST, "/api/machines/:machine/send", PROGRAMMER, JSON, machines::send),
      new ApiRoute(GET, "/api/transfers", VIEWER, JSON, machines::transfers),
      new ApiRoute(GET, "/api/import-queue", VIEWER, JSON, machines::importQueue),
      new ApiRoute(GET, "/api/import-queue/:id/diff", VIEWER, JSON, machines::importDiff),
      new ApiRoute(POST, "/api/import-queue/:id/accept", APPROVER, JSON, machines::accept),
      new ApiRoute(POST, "/api/import-queue/:id/reject", APPROVER, JSON, machines::reject),

      new ApiRoute(GET, "/api/dashboard/stats", VIEWER, JSON, dashboard::stats),
      new ApiRoute(GET, "/api/dashboard/activity", VIEWER, JSON, dashboard::activity),
      new ApiRoute(GET, "/api/events", VIEWER, JSON, dashboard::events),

      new ApiRoute(GET, "/api/audit.csv", ADMIN, JSON, admin::auditCsv),
      new ApiRoute(GET, "/api/watches", VIEWER, JSON, inbox::watches),
      new ApiRoute(PUT, "/api/watches/:filename", VIEWER, JSON, inbox::watch),
      new ApiRoute(DELETE, "/api/watches/:filename", VIEWER, JSON, inbox::unwatch),
      new ApiRoute(GET, "/api/notifications", VIEWER, JSON, inbox::notices),
      new ApiRoute(POST, "/api/notifications/read", VIEWER, JSON, inbox::read),

      new ApiRoute(GET, "/api/admin/users", ADMIN, JSON, admin::listUsers),
      new ApiRoute(POST, "/api/admin/users", ADMIN, JSON, admin::createUser),
      new ApiRoute(PATCH, "/api/admin/users/:username", ADMIN, JSON, admin::changeRole),
      new ApiRoute(POST, "/api/admin/users/:username/password", ADMIN, JSON, admin::setPassword),
      new ApiRoute(DELETE, "/api/admin/users/:username", ADMIN, JSON, admin::deleteUser),
      new ApiRoute(POST, "/api/admin/messages", ADMIN, JSON, admin::sendMessage),
      new ApiRoute(GET, "/api/admin/nodes", ADMIN, JSON, admin::nodes),
      new ApiRoute(POST, "/api/admin/nodes/:name/decommission", ADMIN, JSON, admin::decommissionNode),
      new ApiRoute(POST, "/api/admin/nodes/:name/reinstate", ADMIN, JSON, admin::reinstateNode),

      new ApiRoute(GET, "/api/settings", VIEWER, JSON, system::settings),
      new ApiRoute(GET, "/api/openapi.yaml", PUBLIC, JSON, system::openApi),
      new ApiRoute(GET, "/health", PUBLIC, JSON, system::health),
      new ApiRoute(GET, "/metrics", PUBLIC, JSON, system::metrics),
      new ApiRoute(GET, WebSocketGate.PATH, VIEWER, UPGRADE, webSocket::notAnUpgrade),
      // Git LFS clients (docs/lfs.md): HTTP Basic or Bearer, never the cookie. A batch asking to
      // upload also needs the programmer role, and a forced unlock the admin role (checked by LfsRoutes).
      new ApiRoute(POST, "/lfs/locks", PROGRAMMER, JSON, lfs::createLock, ApiRoute.Login.GIT),
      new ApiRoute(GET, "/lfs/locks", VIEWER, JSON, lfs::listLocks, ApiRoute.Login.GIT),
      new ApiRoute(POST, "/lfs/locks/verify", VIEWER, JSON, lfs::verifyLocks, ApiRoute.Login.GIT),
      new ApiRoute(POST, "/lfs/locks/:id/unlock", PROGRAMMER, JSON, lfs::unlock, ApiRoute.Login.GIT),
      new ApiRoute(POST, "/lfs/objects/batch", VIEWER, JSON, lfs::batch, ApiRoute.Login.GIT),
      new ApiRoute(GET, "/lfs/objects/:oid", VIEWER, JSON, lfs::download, ApiRoute.Login.GIT),
      new ApiRoute(PUT, "/lfs/objects/:oid", PROGRAMMER, STREAM, lfs::upload, ApiRoute.Login.GIT),
      new ApiRoute(POST, "/lfs/objects/:oid/verify", PROGRAMMER, JSON, lfs::verifyObject, ApiRoute.Login.GIT),
      // Other nodes, not users: the handler checks the cluster secret instead of a login.
      new ApiRoute(GET, "/internal/blobs/:sha256", PUBLIC, JSON, internal::blob));
  }
}
