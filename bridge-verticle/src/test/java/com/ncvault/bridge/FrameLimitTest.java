package com.ncvault.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class FrameLimitTest {

  private static Buffer frame(int declared, int bodyBytes) {
    return Buffer.buffer().appendInt(declared).appendBytes(new byte[bodyBytes]);
  }

  @Test
  void framesUpToTheLimitPassHoweverTheBytesAreCut() {
    FrameLimit limit = new FrameLimit(100);
    Buffer stream = frame(100, 100).appendBuffer(frame(0, 0)).appendBuffer(frame(7, 7)).appendBuffer(frame(100, 100));
    for (int i = 0; i < stream.length(); i++) {
      assertThat(limit.accept(stream.getBuffer(i, i + 1))).as("byte %d", i).isTrue();
    }
    assertThat(limit.exceeded()).isFalse();
  }

  @Test
  void aDeclaredLengthAboveTheLimitIsRefusedFromItsFourBytesAlone() {
    FrameLimit limit = new FrameLimit(64 * 1024);
    assertThat(limit.accept(frame(10, 10))).isTrue();
    assertThat(limit.accept(Buffer.buffer().appendInt(10).appendBytes(new byte[10]).appendByte((byte) 0x7f)
      .appendBytes(new byte[] {-1, -1}))).isTrue();
    assertThat(limit.accept(Buffer.buffer().appendByte((byte) -1))).as("the 4th byte of 2 GiB - 1").isFalse();
    assertThat(limit.exceeded()).isTrue();
    assertThat(limit.accept(frame(1, 1))).as("nothing after it").isFalse();
  }

  @Test
  void aLengthWithTheTopBitSetIsNotReadAsNegative() {
    FrameLimit limit = new FrameLimit(64 * 1024);
    assertThat(limit.accept(Buffer.buffer().appendInt(0x80000000))).isFalse();
  }

  @Test
  void oneByteOverTheLimitIsRefused() {
    assertThat(new FrameLimit(100).accept(frame(101, 0))).isFalse();
  }
}
