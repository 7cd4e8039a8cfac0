package com.ncvault.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.EventTypes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A change committed at a node this one cannot hear (its publish never arrives, and nothing after
 * it reveals a gap) still reaches this node's browsers: the node compares the latest committed seq
 * with what it delivered every few seconds.
 */
@ExtendWith(VertxExtension.class)
class CatchUpCheckTest {

  private Vertx vertx;
  private SyncHarness harness;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    harness = SyncHarness.start(vertx).await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void aBrowserReceivesAChangeWhosePublishNeverArrivedWithinTheCheckPeriod() {
    TestSocket bob = harness.connectReady("bob").await();
    long connected = System.nanoTime();
    DomainEvent unheard = harness.storage.commit(EventTypes.CHECKOUT, "1234567_AB1.nc", "alice");
    JsonObject activity = bob.awaitActivity(unheard.seq()).await();
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connected);
    assertThat(activity.getJsonObject("payload").getString("user")).isEqualTo("alice");
    assertThat(tookMs).as("received within the check period and the gap wait")
      .isLessThanOrEqualTo(SyncNode.CATCH_UP_CHECK_MS + 2_000);
  }
}
