package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Races on one lock against a real node: fifty programmers pressing "Check out" on the same file
 * at the same moment, a hundred times; and a check-in racing an admin's override. The database
 * decides; every answer and the activity history agree with its decision.
 */
@ExtendWith(VertxExtension.class)
class LockRaceTest {

  private static final int ROUNDS = 100;
  private static final int CONTENDERS = 50;
  private static final int OVERRIDE_ROUNDS = 30;

  private static Vertx vertx;
  private static TestNode node;
  private static NodeApi api;
  private static String admin;
  private static List<String> programmers;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx(PdmNode.vertxOptions());
    node = TestNode.start(vertx, new JsonObject().put(ConfigKeys.JWT_SECRET, TestTokens.SECRET)).await();
    api = new NodeApi(vertx, node.port());
    admin = api.adminToken().await();
    // Fifty accounts through the API; their tokens are signed here to spare fifty bcrypt logins.
    programmers = Future.all(IntStream.range(0, CONTENDERS)
        .mapToObj(i -> api.call(HttpMethod.POST, "/api/admin/users", admin).sendJsonObject(new JsonObject()
          .put("username", String.format("prog%02d", i)).put("password", TestNode.passwordOf("prog")).put("role",
            "programmer")).compose(r -> TestNode.expect(r, 201))
          .map(r -> TestTokens.sign(TestTokens.SECRET, TestTokens.claims(String.format("prog%02d", i),
            r.bodyAsJsonObject().getString("id"), "programmer", 3600)))).toList())
      .map(all -> all.<String>list()).await();
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close().await();
    vertx.close().await();
  }

  @Test
  @Timeout(300)
  void fiftySimultaneousCheckoutsHaveExactlyOneWinnerAndFortyNineAnswersNamingIt() {
    String name = "4000001_RACE.nc";
    api.create(programmers.get(0), name, Buffer.buffer("G0 X0\n")).await();
    long firstSeq = api.latestSeq(admin).await() + 1;
    List<String> winners = new ArrayList<>();
    List<String> contenders = new ArrayList<>(programmers);
    Random order = new Random(ROUNDS);
    for (int round = 0; round < ROUNDS; round++) {
      // a different sending order each round, so that the first request sent is not always the winner
      Collections.shuffle(contenders, order);
      List<HttpResponse<Buffer>> answers = Future.all(contenders.stream()
          .map(token -> api.call(HttpMethod.POST, "/api/files/" + name + "/checkout", token)
            .sendJsonObject(new JsonObject().put("message", "mine")))
          .toList())
        .map(all -> all.<HttpResponse<Buffer>>list()).await();
      List<HttpResponse<Buffer>> won = answers.stream().filter(r -> r.statusCode() == 200).toList();
      assertThat(won).as("winners of round %d", round).hasSize(1);
      String winner = won.get(0).bodyAsJsonObject().getString("lockedBy");
      assertThat(answers).as("answers of round %d", round).filteredOn(r -> r.statusCode() != 200)
        .hasSize(CONTENDERS - 1)
        .allSatisfy(lost -> {
          assertThat(lost.statusCode()).isEqualTo(409);
          JsonObject error = lost.bodyAsJsonObject().getJsonObject("error");
          assertThat(error.getString("code")).isEqualTo("file_locked");
          assertThat(error.getString("lockedBy")).isEqualTo(winner);
          assertThat(error.getString("message")).contains(winner);
        });
      winners.add(winner);
      int index = Integer.parseInt(winner.substring(4));
      NodeApi.json(api.call(HttpMethod.POST, "/api/files/" + name + "/cancel-checkout", programmers.get(index)).send(),
        200).await();
    }

    List<JsonObject> events = api.allEvents(admin).await();
    VaultHistory.replay(events);
    List<String> ofRaces = events.stream().filter(e -> e.getLong("seq") >= firstSeq)
      .map(e -> e.getString("type") + " " + e.getString("user")).toList();
    List<String> expected = new ArrayList<>();
    winners.forEach(w -> {
      expected.add("checkout " + w);
      expected.add("cancel " + w);
    });
    assertThat(ofRaces).as("activity: one checkout and one cancel per round, by the winner").isEqualTo(expected);
    System.out.println("LockRaceTest: " + winners.stream().distinct().count() + " different winners in " + ROUNDS
      + " rounds");
  }

  @Test
  @Timeout(300)
  void aCheckinRacingAnOverrideEndsInOneConsistentStateAndHistory() {
    String name = "4000002_RACE.nc";
    String holder = programmers.get(1);
    api.create(holder, name, Buffer.buffer("G0 X0\n")).await();
    Random jitter = new Random(OVERRIDE_ROUNDS);
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int round = 0; round < OVERRIDE_ROUNDS; round++) {
      boolean keepLocked = round % 3 == 2;
      JsonObject before = api.checkout(holder, name).await();
      long seqBefore = api.latestSeq(admin).await();
      Buffer content = Buffer.buffer("%\nO" + (4000 + round) + " (round " + round + ")\nG1 X" + round + "\nM30\n%\n");
      Future<HttpResponse<Buffer>> checkin = api.upload("/api/files/" + name + "/checkin", holder, name, content,
        Map.of("message", "round " + round, "keepLocked", Boolean.toString(keepLocked)));
      Promise<HttpResponse<Buffer>> override = Promise.promise();
      JsonObject reason = new JsonObject().put("reason", "round " + round);
      vertx.setTimer(1 + jitter.nextInt(20), id -> api.call(HttpMethod.POST, "/api/files/" + name + "/override", admin)
        .sendJsonObject(reason).onComplete(override));
      Future.all(checkin, override.future()).await();
      int checkedIn = checkin.result().statusCode();
      int overridden = override.future().result().statusCode();

      List<String> happened = api.eventsSince(admin, seqBefore).await().stream()
        .map(e -> e.getString("type")).toList();
      JsonObject after = NodeApi.json(api.call(HttpMethod.GET, "/api/files/" + name, admin).send(), 200).await();
      String outcome = checkedIn + "/" + overridden;
      outcomes.merge((keepLocked ? "keepLocked " : "") + "checkin " + checkedIn + ", override " + overridden, 1,
        Integer::sum);
      assertThat(outcome).as("round %d (keepLocked %s): checkin/override statuses", round, keepLocked)
        .isIn(keepLocked ? List.of("200/200", "409/200") : List.of("200/409", "409/200"));
      assertThat(after.getString("status")).as("round %d ends unlocked", round).isEqualTo("unlocked");
      if (checkedIn == 200) {
        assertThat(happened).as("round %d activity", round)
          .isEqualTo(overridden == 200 ? List.of("checkin", "override") : List.of("checkin"));
        assertThat(after.getString("sha256")).isEqualTo(NodeApi.sha256(content));
        assertThat(after.getString("revision")).isNotEqualTo(before.getString("revision"));
        if (overridden == 409) {
          assertThat(override.future().result().bodyAsJsonObject().getJsonObject("error").getString("code"))
            .isEqualTo("conflict");
        }
      } else {
        assertThat(checkedIn).isEqualTo(409);
        assertThat(checkin.result().bodyAsJsonObject().getJsonObject("error").getString("code"))
          .isEqualTo("not_lock_holder");
        assertThat(happened).as("round %d activity", round).isEqualTo(List.of("override"));
        assertThat(after.getString("revision")).isEqualTo(before.getString("revision"));
        assertThat(after.getString("sha256")).isEqualTo(before.getString("sha256"));
      }
    }
    VaultHistory.replay(api.allEvents(admin).await());
    File[] staged = node.dataDir().resolve("incoming").toFile().listFiles();
    assertThat(staged).as("refused check-ins leave no staged file").isEmpty();
    System.out.println("LockRaceTest check-in against override: " + outcomes);
  }
}
