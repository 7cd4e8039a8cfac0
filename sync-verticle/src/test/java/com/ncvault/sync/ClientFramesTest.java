package com.ncvault.sync;

import com.ncvault.contract.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClientFramesTest {

  private static ErrorCode error(String text) {
    ClientFrames.Inbound inbound = ClientFrames.parse(text);
    assertThat(inbound).isInstanceOf(ClientFrames.Invalid.class);
    return ((ClientFrames.Invalid) inbound).error().code();
  }

  @Test
  void theSeedsPingAndTheJsonPingAreBothPings() {
    assertThat(ClientFrames.parse("ping")).isInstanceOf(ClientFrames.Ping.class);
    assertThat(ClientFrames.parse("{\"type\":\"PING\"}")).isInstanceOf(ClientFrames.Ping.class);
  }

  @Test
  void watchAndUnwatchNameAFile() {
    assertThat(ClientFrames.parse("{\"type\":\"WATCH\",\"payload\":{\"filename\":\"a.nc\"}}"))
      .isEqualTo(new ClientFrames.Watch("a.nc"));
    assertThat(ClientFrames.parse("{\"type\":\"UNWATCH\",\"payload\":{\"filename\":\"a.nc\"}}"))
      .isEqualTo(new ClientFrames.Unwatch("a.nc"));
  }

  @Test
  void anythingElseIsAnErrorValue() {
    assertThat(error("hello")).isEqualTo(ErrorCode.INVALID_JSON);
    assertThat(error("[1]")).isEqualTo(ErrorCode.INVALID_JSON);
    assertThat(error("\"PING\"")).isEqualTo(ErrorCode.INVALID_JSON);
    assertThat(error("{}")).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(error("{\"type\":7}")).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(error("{\"type\":\"DROP_TABLES\"}")).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(error("{\"type\":\"WATCH\"}")).isEqualTo(ErrorCode.VALIDATION);
    assertThat(error("{\"type\":\"WATCH\",\"payload\":{\"filename\":\" \"}}")).isEqualTo(ErrorCode.VALIDATION);
    assertThat(error("{\"type\":\"WATCH\",\"payload\":{\"filename\":\"" + "x".repeat(256) + "\"}}"))
      .isEqualTo(ErrorCode.VALIDATION);
  }
}
