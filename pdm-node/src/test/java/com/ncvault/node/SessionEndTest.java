package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.WsCloseCodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A live connection lasts as long as the session it was opened with, through the whole node; a new password ends it. */
@ExtendWith(VertxExtension.class)
class SessionEndTest {

  private static final int TTL_SECONDS = 3;

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void theLiveConnectionOfAnEndedSessionIsClosedWith4001(Vertx vertx) {
    TestNode node = TestNode.start(vertx, new JsonObject().put(ConfigKeys.TOKEN_TTL_SECONDS, TTL_SECONDS)).await();
    try {
      String session = node.adminToken().await();
      String live = node.client().get("/api/auth/live-token").bearerTokenAuthentication(session).send().await()
        .bodyAsJsonObject().getString("token");
      long opened = System.currentTimeMillis();
      DeltaSocket withSession = DeltaSocket.connect(vertx, node.port(), session, -1).await();
      DeltaSocket withLiveToken = DeltaSocket.connect(vertx, node.port(), live, -1).await();

      assertThat(withSession.closed().await()).isEqualTo(WsCloseCodes.SESSION_EXPIRED);
      assertThat(withLiveToken.closed().await()).isEqualTo(WsCloseCodes.SESSION_EXPIRED);
      // the token's expiry is whole seconds from the login, so it ends within TTL_SECONDS of opening
      assertThat(System.currentTimeMillis() - opened).isLessThanOrEqualTo(TTL_SECONDS * 1000L + 1000);
    } finally {
      node.close().await();
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aNewPasswordLocksOutEverySessionMadeWithTheOldOne(Vertx vertx) {
    TestNode node = TestNode.start(vertx).await();
    try {
      String admin = node.adminToken().await();
      String stolen = node.createUser(admin, "pim", "programmer").await();
      String live = node.client().get("/api/auth/live-token").bearerTokenAuthentication(stolen).send().await()
        .bodyAsJsonObject().getString("token");
      DeltaSocket withSession = DeltaSocket.connect(vertx, node.port(), stolen, -1).await();
      DeltaSocket withLiveToken = DeltaSocket.connect(vertx, node.port(), live, -1).await();

      int reset = node.client().post("/api/admin/users/pim/password").bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("password", "a fresh password for pim")).await().statusCode();
      assertThat(reset).isEqualTo(200);

      assertThat(withSession.closed().await()).isEqualTo(WsCloseCodes.SESSION_EXPIRED);
      assertThat(withLiveToken.closed().await()).isEqualTo(WsCloseCodes.SESSION_EXPIRED);
      assertThat(node.client().get("/api/files").bearerTokenAuthentication(stolen).send().await().statusCode())
        .as("the old token").isEqualTo(401);
      int reopened = DeltaSocket.connect(vertx, node.port(), live, -1).transform(ar -> Future.succeededFuture(
        ar.succeeded() ? 101 : ar.cause() instanceof UpgradeRejectedException refused ? refused.getStatus() : -1)).await();
      assertThat(reopened).as("the old live token").isEqualTo(401);
      String fresh = node.login("pim", "a fresh password for pim").await();
      assertThat(node.client().get("/api/files").bearerTokenAuthentication(fresh).send().await().statusCode())
        .as("a login with the new password").isEqualTo(200);
      assertThat(node.client().get("/api/files").bearerTokenAuthentication(admin).send().await().statusCode())
        .as("everyone else").isEqualTo(200);
    } finally {
      node.close().await();
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aDeletedAccountsTokensOpenNothingWhenAnAccountOfTheSameNameIsCreated(Vertx vertx) {
    TestNode node = TestNode.start(vertx).await();
    try {
      String admin = node.adminToken().await();
      String old = node.createUser(admin, "bob", "viewer").await();
      String oldLive = node.client().get("/api/auth/live-token").bearerTokenAuthentication(old).send().await()
        .bodyAsJsonObject().getString("token");
      DeltaSocket open = DeltaSocket.connect(vertx, node.port(), old, -1).await();

      assertThat(node.client().delete("/api/admin/users/bob").bearerTokenAuthentication(admin).send().await()
        .statusCode()).isEqualTo(204);
      assertThat(open.closed().await()).isEqualTo(WsCloseCodes.SESSION_EXPIRED);
      String fresh = node.createUser(admin, "bob", "admin").await();

      assertThat(TestTokens.accountIdOf(fresh)).isNotEqualTo(TestTokens.accountIdOf(old));
      assertThat(node.client().get("/api/auth/me").bearerTokenAuthentication(old).send().await().statusCode())
        .as("the old token on REST").isEqualTo(401);
      assertThat(node.client().get("/api/admin/users").bearerTokenAuthentication(old).send().await().statusCode())
        .as("the old token on an admin route").isEqualTo(401);
      assertThat(node.client().get("/api/auth/me").putHeader("Cookie", "pdm_session=" + old).send().await()
        .statusCode()).as("the old token as the session cookie").isEqualTo(401);
      assertThat(upgradeStatus(vertx, node, old)).as("the old token on /ws").isEqualTo(401);
      assertThat(upgradeStatus(vertx, node, oldLive)).as("the old live token on /ws").isEqualTo(401);
      assertThat(node.client().get("/api/admin/users").bearerTokenAuthentication(fresh).send().await().statusCode())
        .as("a login of the new account").isEqualTo(200);
      assertThat(upgradeStatus(vertx, node, fresh)).as("the new account on /ws").isEqualTo(101);
    } finally {
      node.close().await();
    }
  }

  /** 101 when /ws opens with the token (the socket is closed again), else the status it was refused with. */
  private static int upgradeStatus(Vertx vertx, TestNode node, String token) {
    return DeltaSocket.connect(vertx, node.port(), token, -1).transform(ar -> {
      if (ar.succeeded()) {
        ar.result().close();
        return Future.succeededFuture(101);
      }
      return Future.succeededFuture(ar.cause() instanceof UpgradeRejectedException refused ? refused.getStatus() : -1);
    }).await();
  }
}
