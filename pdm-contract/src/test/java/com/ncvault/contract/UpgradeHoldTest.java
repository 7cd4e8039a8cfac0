package com.ncvault.contract;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hold on an upgrade's answer, on a channel of its own: the answer's write is reported done and
 * nothing leaves until the session releases it and flushes, then the answer and the first frames
 * leave together, in order; anything else lets the answer go first.
 */
class UpgradeHoldTest {

  private static final String ANSWER = "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n";
  private static final String FRAME = "\u0081\u0005hello";

  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
  }

  private static EmbeddedChannel held() {
    EmbeddedChannel channel = new EmbeddedChannel();
    UpgradeHold.install(channel.pipeline());
    ChannelFuture answer = channel.writeAndFlush(bytes(ANSWER));
    // reported written, so the handshaker takes the HTTP encoder away as after a real write
    assertThat(answer.isSuccess()).isTrue();
    assertThat(sent(channel)).isEmpty();
    return channel;
  }

  /** Everything the channel has sent so far, one string per write. */
  private static List<String> sent(EmbeddedChannel channel) {
    List<String> out = new ArrayList<>();
    for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
      out.add(buf.toString(StandardCharsets.ISO_8859_1));
      buf.release();
    }
    return out;
  }

  private static boolean holding(EmbeddedChannel channel) {
    return channel.pipeline().get(UpgradeHold.class) != null;
  }

  @Test
  void theAnswerLeavesWithTheFirstFramesOnceReleased() {
    EmbeddedChannel channel = held();
    assertThat(UpgradeHold.release(channel.pipeline())).isTrue();
    assertThat(holding(channel)).isFalse();
    // released into the channel, not flushed: the session's frames join it
    assertThat(sent(channel)).isEmpty();
    channel.write(bytes(FRAME));
    channel.write(bytes(FRAME + "2"));
    channel.flush();
    assertThat(sent(channel)).containsExactly(ANSWER, FRAME, FRAME + "2");
  }

  @Test
  void anAnswerWrittenInPiecesIsHeldWhole() {
    EmbeddedChannel channel = new EmbeddedChannel();
    UpgradeHold.install(channel.pipeline());
    channel.write(bytes(ANSWER));
    channel.write(bytes("body"));
    channel.flush();
    assertThat(sent(channel)).isEmpty();
    assertThat(UpgradeHold.release(channel.pipeline())).isTrue();
    channel.flush();
    assertThat(sent(channel)).containsExactly(ANSWER, "body");
  }

  @Test
  void anotherWriteLetsTheAnswerGoFirst() {
    EmbeddedChannel channel = held();
    // e.g. a close frame of a socket refused before any session took it
    channel.writeAndFlush(bytes(FRAME));
    assertThat(sent(channel)).containsExactly(ANSWER, FRAME);
    assertThat(holding(channel)).isFalse();
  }

  @Test
  void anotherFlushLetsTheAnswerGo() {
    EmbeddedChannel channel = held();
    channel.flush();
    assertThat(sent(channel)).containsExactly(ANSWER);
    assertThat(holding(channel)).isFalse();
  }

  @Test
  void aCloseSendsTheAnswerFirst() {
    EmbeddedChannel channel = held();
    channel.close();
    assertThat(sent(channel)).containsExactly(ANSWER);
  }

  @Test
  void aFirstWriteThatIsNoUpgradeAnswerPassesAtOnce() {
    EmbeddedChannel channel = new EmbeddedChannel();
    UpgradeHold.install(channel.pipeline());
    String refusal = "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n";
    channel.writeAndFlush(bytes(refusal));
    assertThat(sent(channel)).containsExactly(refusal);
    assertThat(holding(channel)).isFalse();
    assertThat(UpgradeHold.release(channel.pipeline())).isFalse();
  }

  @Test
  void aReleaseWithNothingHeldTellsTheCallerNoFlushIsOwed() {
    EmbeddedChannel channel = new EmbeddedChannel();
    UpgradeHold.install(channel.pipeline());
    assertThat(UpgradeHold.release(channel.pipeline())).isFalse();
    assertThat(holding(channel)).isFalse();
  }

  @Test
  void aChannelTornDownWithTheAnswerHeldFreesIt() {
    EmbeddedChannel channel = new EmbeddedChannel();
    UpgradeHold.install(channel.pipeline());
    ByteBuf answer = bytes(ANSWER);
    channel.writeAndFlush(answer);
    assertThat(answer.refCnt()).isEqualTo(1);
    // what the pipeline's teardown does to each handler of a connection that is gone
    channel.pipeline().remove(UpgradeHold.class);
    assertThat(answer.refCnt()).isZero();
    assertThat(sent(channel)).isEmpty();
  }
}
