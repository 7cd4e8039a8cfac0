package com.ncvault.node.browser;

import com.ncvault.node.TestNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** REST calls the browser tests make "as another user" (token auth), blocking with a timeout. */
final class VaultCalls {

  private final TestNode node;
  private final String token;

  VaultCalls(TestNode node, String token) {
    this.node = node;
    this.token = token;
  }

  static <T> T await(Future<T> future) {
    return await(future, Duration.ofSeconds(60));
  }

  static <T> T await(Future<T> future, Duration timeout) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("call failed: " + e, e);
    }
  }

  static String path(String filename) {
    return "/api/files/" + URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20");
  }

  Future<JsonObject> createFileAsync(String filename, String description, String content) {
    MultipartForm form = MultipartForm.create()
      .attribute("description", description)
      .binaryFileUpload("file", filename, Buffer.buffer(content), "application/octet-stream");
    return node.client().post("/api/files").bearerTokenAuthentication(token).sendMultipartForm(form)
      .compose(resp -> TestNode.expect(resp, 201))
      .map(HttpResponse::bodyAsJsonObject);
  }

  JsonObject createFile(String filename, String description, String content) {
    return await(createFileAsync(filename, description, content));
  }

  JsonObject checkout(String filename, String message) {
    return await(node.client().post(path(filename) + "/checkout").bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject().put("message", message))
      .compose(resp -> TestNode.expect(resp, 200))
      .map(HttpResponse::bodyAsJsonObject));
  }

  JsonObject checkin(String filename, String content, String message) {
    MultipartForm form = MultipartForm.create()
      .attribute("message", message)
      .binaryFileUpload("file", filename, Buffer.buffer(content), "application/octet-stream");
    return await(node.client().post(path(filename) + "/checkin").bearerTokenAuthentication(token)
      .sendMultipartForm(form)
      .compose(resp -> TestNode.expect(resp, 200))
      .map(HttpResponse::bodyAsJsonObject));
  }

  JsonObject override(String filename, String reason) {
    return await(node.client().post(path(filename) + "/override").bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject().put("reason", reason))
      .compose(resp -> TestNode.expect(resp, 200))
      .map(HttpResponse::bodyAsJsonObject));
  }

  JsonObject cancelCheckout(String filename) {
    return await(node.client().post(path(filename) + "/cancel-checkout").bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject())
      .compose(resp -> TestNode.expect(resp, 200))
      .map(HttpResponse::bodyAsJsonObject));
  }

  /** A lifecycle transition ({@code password} signs a release; null otherwise). */
  JsonObject transition(String filename, String to, String comment, String password) {
    return await(node.client().post(path(filename) + "/transition").bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject().put("to", to).put("comment", comment).put("password", password))
      .compose(resp -> TestNode.expect(resp, 200))
      .map(HttpResponse::bodyAsJsonObject));
  }

  /** The role of a user, as an admin reads it. */
  String roleOf(String username) {
    return await(node.client().get("/api/admin/users").bearerTokenAuthentication(token).send()
      .compose(resp -> TestNode.expect(resp, 200))
      .map(resp -> resp.bodyAsJsonObject().getJsonArray("users").stream().map(JsonObject.class::cast)
        .filter(u -> username.equals(u.getString("username"))).map(u -> u.getString("role")).findFirst().orElse(null)));
  }

  JsonObject file(String filename) {
    return await(node.client().get(path(filename)).bearerTokenAuthentication(token).send()
      .compose(resp -> TestNode.expect(resp, 200))
      .map(HttpResponse::bodyAsJsonObject));
  }

  /** An admin's message to {@code to} (kept in their inbox). */
  JsonObject sendMessage(String to, String text) {
    return await(node.client().post("/api/admin/messages").bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject().put("to", to).put("text", text))
      .compose(resp -> TestNode.expect(resp, 202))
      .map(HttpResponse::bodyAsJsonObject));
  }

  JsonObject watch(String filename) {
    return await(node.client().put("/api/watches/" + URLEncoder.encode(filename, StandardCharsets.UTF_8))
      .bearerTokenAuthentication(token).send()
      .compose(resp -> TestNode.expect(resp, 200))
      .map(HttpResponse::bodyAsJsonObject));
  }
}
