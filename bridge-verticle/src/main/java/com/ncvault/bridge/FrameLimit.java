package com.ncvault.bridge;

import io.vertx.core.buffer.Buffer;

/**
 * Follows the frames a bridge client sends (a 4-byte big-endian length, then that many bytes)
 * as the bytes arrive, keeping none of them: tells, from the 4 bytes of a length alone, when a
 * frame declares more than the limit. The bridge's own parser would otherwise buffer a declared
 * 2 GiB frame in full before anyone looked at it. One per connection, used from its event loop.
 */
final class FrameLimit {

  private final long maxFrameBytes;
  private int lengthBytesSeen;
  private long declared;
  private long bodyLeft;
  private boolean exceeded;

  FrameLimit(long maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** True once a frame declared more than the limit: nothing after it is read. */
  boolean exceeded() {
    return exceeded;
  }

  /** False once a frame declared more than the limit, for this data and everything after. */
  boolean accept(Buffer data) {
    if (exceeded) {
      return false;
    }
    int i = 0;
    int n = data.length();
    while (i < n) {
      if (bodyLeft > 0) {
        int skip = (int) Math.min(bodyLeft, n - i);
        i += skip;
        bodyLeft -= skip;
        continue;
      }
      declared = (declared << 8) | data.getUnsignedByte(i++);
      if (++lengthBytesSeen == 4) {
        if (declared > maxFrameBytes) {
          exceeded = true;
          return false;
        }
        bodyLeft = declared;
        declared = 0;
        lengthBytesSeen = 0;
      }
    }
    return true;
  }
}
