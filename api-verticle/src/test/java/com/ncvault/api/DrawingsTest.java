package com.ncvault.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ncvault.contract.PdmError;
import org.junit.jupiter.api.Test;

class DrawingsTest {

  @Test
  void theLeastRecentlyUsedDrawingsGoWhenTheCacheIsFull() {
    Drawings drawings = new Drawings(10);
    drawings.put("a", "aaaa");
    drawings.put("b", "bbbb");
    drawings.get("a");
    drawings.put("c", "cccc");

    assertThat(drawings.get("b")).as("least recently used").isNull();
    assertThat(drawings.get("a")).isEqualTo("aaaa");
    assertThat(drawings.get("c")).isEqualTo("cccc");
    drawings.put("huge", "x".repeat(11));
    assertThat(drawings.size()).as("a drawing larger than the whole cache is not kept").isZero();
  }

  @Test
  void drawingsBeyondTheThreadsAndTheBacklogAreRefusedUntilOneEnds() {
    Drawings drawings = new Drawings(10);
    for (int i = 0; i < Drawings.THREADS + Drawings.MAX_WAITING; i++) {
      drawings.begin();
    }
    assertThatThrownBy(drawings::begin).isInstanceOfSatisfying(PdmError.class, e -> {
      assertThat(e.code().status()).isEqualTo(503);
      assertThat(e.details().getInteger("retryAfterSeconds")).isEqualTo(1);
    });
    drawings.end();
    drawings.begin();
  }
}
