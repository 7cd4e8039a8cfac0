package com.ncvault.sync;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class HubTest {

  private static ClientSession session(String user) {
    // registration touches neither the socket nor the node
    return new ClientSession(null, user, "programmer", 3, -1, 0, null, null, null, null, new RecentEvents(4), null);
  }

  @Test
  void socketsComeAndGoInAnyOrderEachInConstantTime() {
    Hub hub = new Hub(null);
    List<ClientSession> sessions = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      ClientSession session = session("user" + (i % 500));
      sessions.add(session);
      hub.add(session);
    }
    assertThat(hub.size()).isEqualTo(20_000);
    Collections.shuffle(sessions, new Random(7));
    List<ClientSession> gone = sessions.subList(0, 15_000);
    gone.forEach(hub::remove);
    // a second remove (close handler after a close) changes nothing
    gone.forEach(hub::remove);
    assertThat(hub.size()).isEqualTo(5_000);
    assertThat(gone).noneMatch(hub::contains);
    assertThat(sessions.subList(15_000, 20_000)).allMatch(hub::contains);
    gone.forEach(hub::add);
    assertThat(hub.size()).isEqualTo(20_000);
    assertThat(sessions).allMatch(hub::contains);
  }
}
