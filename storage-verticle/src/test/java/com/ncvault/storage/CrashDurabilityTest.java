package com.ncvault.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.StorageActions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A checkout that was answered is still there after the process dies at once (Runtime.halt, as
 * abrupt as kill -9: no shutdown hook, nothing flushed): the embedded database writes each commit
 * to the file before it answers.
 */
class CrashDurabilityTest extends StorageTestBase {

  @Override
  protected JsonObject databaseConfig() {
    return new JsonObject();
  }

  @Test
  void aConfirmedCheckoutSurvivesAKilledProcess() throws Exception {
    create("part.nc", "G21\nM30\n", "alice");
    undeploy();

    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-cp", System.getProperty("java.class.path"), CheckoutThenWait.class.getName(), dataDir.toString())
      .redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String output = out.lines().collect(java.util.stream.Collectors.joining("\n"));
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(output).contains("CHECKED OUT");
    } finally {
      child.destroyForcibly();
    }

    deploy(new JsonObject());
    JsonObject file = storage.call(StorageActions.FILES_GET, new JsonObject().put("filename", "part.nc"));
    assertThat(file.getString("lockedBy")).isEqualTo("bob");
    assertThat(storage.call(StorageActions.ACTIVITY_LIST, new JsonObject()).getJsonArray("activities")
      .getJsonObject(0).getString("event_type")).isEqualTo("checkout");
  }

  /** Runs in the child process: start storage, check out, and die the moment the reply arrives. */
  public static final class CheckoutThenWait {
    public static void main(String[] args) {
      Vertx vertx = Vertx.vertx();
      JsonObject config = new JsonObject().put("dataDir", args[0]).put("adminPassword", ADMIN_PASSWORD);
      vertx.deployVerticle(new StorageVerticle(), new DeploymentOptions().setConfig(config))
        .compose(id -> new StorageClient(vertx, Path.of(args[0])).send(StorageActions.FILES_CHECKOUT,
          new JsonObject().put("filename", "part.nc").put("user", "bob")))
        .onComplete(reply -> {
          System.out.println(reply.succeeded() ? "CHECKED OUT" : "FAILED " + reply.cause());
          System.out.flush();
          Runtime.getRuntime().halt(reply.succeeded() ? 0 : 1);
        });
    }
  }
}
