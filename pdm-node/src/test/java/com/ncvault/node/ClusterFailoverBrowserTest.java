package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.ncvault.node.browser.Browser;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A page whose node dies goes on showing live changes through another node of the cluster (the
 * node's {@code peerUrls}), missing none made meanwhile, and goes home when its node is back.
 * Two clustered nodes in their own JVMs against PostgreSQL, the page in Chromium.
 */
class ClusterFailoverBrowserTest {

  private static final int A = 0;
  private static final int B = 1;
  private static final Duration FAILOVER = Duration.ofSeconds(20);
  private static final Duration HOMECOMING = Duration.ofSeconds(60);
  private static final Duration LIVE = Duration.ofSeconds(5);

  private static Vertx vertx;
  private static TestPostgres database;
  private static TestCluster cluster;
  private static NodeApi apiA;
  private static NodeApi apiB;
  private static Browser page;

  @BeforeAll
  static void startCluster() throws Exception {
    assumeTrue(Browser.available(), "chromium and chromedriver are installed");
    vertx = Vertx.vertx();
    database = TestPostgres.create(vertx).await();
    cluster = new TestCluster(database.uri());
    cluster.start(A, peers(B));
    cluster.start(B, peers(A));
    apiA = new NodeApi(vertx, cluster.httpPort(A));
    apiB = new NodeApi(vertx, cluster.httpPort(B));
  }

  private static Map<String, String> peers(int other) {
    return Map.of("PDM_PEER_URLS", cluster.baseUrl(other));
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
    if (page != null) {
      page.close();
    }
    if (apiA != null) {
      apiA.close();
      apiB.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (database != null) {
      database.drop().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  @Timeout(240)
  void aPageWhoseNodeDiesFollowsChangesThroughAnotherNodeAndComesHome() throws Exception {
    String admin = apiA.adminToken().await();
    String paula = apiA.createUser(admin, "paula", "programmer").await();
    apiA.createUser(admin, "viv", "viewer").await();
    String first = "5300001_FAILOVER.nc";
    String second = "5300002_FAILOVER.nc";
    String third = "5300003_FAILOVER.nc";
    for (String name : new String[] {first, second, third}) {
      apiA.create(paula, name, Buffer.buffer("G0 X0 ; " + name + "\n")).await();
    }

    page = Browser.open(cluster.baseUrl(A)).login("viv", TestNode.passwordOf("viv"));
    page.waitUntilConnected(LIVE);
    assertThat(via()).as("at home").isEmpty();
    page.cardOf(third, LIVE);

    cluster.node(A).kill();
    // made while the page has no connection at all: it must arrive by catch-up
    apiB.checkout(paula, first).await();
    long killed = System.currentTimeMillis();
    String peer = "127.0.0.1:" + cluster.httpPort(B);
    page.waitFor(FAILOVER).until(d -> peer.equals(via()) && "connected".equals(page.connectionState()));
    long failoverMs = System.currentTimeMillis() - killed;
    page.waitFor(LIVE).until(d -> page.lockText(first).contains("paula"));

    // made while the page is connected through B
    apiB.checkout(paula, second).await();
    page.waitFor(LIVE).until(d -> page.lockText(second).contains("paula"));
    page.screenshot("failover");
    org.openqa.selenium.WebElement openPeer = page.driver().findElement(Browser.testId("open-peer"));
    assertThat(openPeer.isDisplayed()).as("the link to the node the page is live through").isTrue();
    assertThat(openPeer.getAttribute("href")).isEqualTo(cluster.baseUrl(B) + "/");

    long restarting = System.currentTimeMillis();
    cluster.start(A, peers(B));
    page.waitFor(HOMECOMING).until(d -> via().isEmpty() && "connected".equals(page.connectionState()));
    assertThat(page.driver().findElement(Browser.testId("open-peer")).isDisplayed()).as("at home again").isFalse();
    long homeMs = System.currentTimeMillis() - restarting;

    // made at B once the page is home at A: the cluster brings it
    apiB.checkout(paula, third).await();
    page.waitFor(LIVE).until(d -> page.lockText(third).contains("paula"));
    System.out.printf("ClusterFailoverBrowserTest: live through node B %d ms after node A was killed; "
      + "home %d ms after node A was started again%n", failoverMs, homeMs);
  }

  private static String via() {
    String value = page.driver().findElement(Browser.testId("connection-dot")).getAttribute("data-via");
    return value == null ? "" : value;
  }
}
