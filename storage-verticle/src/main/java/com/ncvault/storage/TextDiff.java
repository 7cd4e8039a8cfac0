package com.ncvault.storage;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.algorithm.DiffAlgorithmListener;
import com.github.difflib.patch.ChangeDelta;
import com.github.difflib.patch.Chunk;
import com.github.difflib.patch.Patch;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;

/**
 * Unified diff of two text revisions; binary content (a NUL early on, or not UTF-8) is refused.
 * The work is bounded: revisions above {@link #MAX_BYTES} are refused, two revisions with no line
 * in common (a program re-posted with every N word renumbered) are answered as one replacement at
 * once, and any other comparison that would take longer than its time budget is stopped and
 * refused (422), so a diff can never occupy the node.
 */
public final class TextDiff {

  /** Larger revisions are refused: a diff of them is neither readable nor cheap. */
  public static final long MAX_BYTES = 20L * 1024 * 1024;
  /** The time one comparison may take. */
  public static final Duration BUDGET = Duration.ofSeconds(1);
  static final int CONTEXT_LINES = 3;
  private static final int SNIFF_BYTES = 8192;
  private static final int CHUNK = 64 * 1024;

  /** The comparison ran out of its time budget. */
  static final class OverBudget extends RuntimeException {
    OverBudget() {
      super(null, null, false, false);
    }
  }

  /**
   * @return the unified diff text, empty when both contents are equal
   */
  public static String unified(String filename, String from, byte[] before, String to, byte[] after) {
    return unified(filename, from, before, to, after, BUDGET);
  }

  static String unified(String filename, String from, byte[] before, String to, byte[] after, Duration budget) {
    List<String> a = lines(text(before));
    List<String> b = lines(text(after));
    Patch<String> patch;
    if (!a.isEmpty() && !b.isEmpty() && Collections.disjoint(new HashSet<>(a), b)) {
      patch = new Patch<>();
      patch.addDelta(new ChangeDelta<>(new Chunk<>(0, a), new Chunk<>(0, b)));
    } else {
      try {
        patch = DiffUtils.diff(a, b, new Deadline(System.nanoTime() + budget.toNanos()));
      } catch (OverBudget e) {
        throw new PdmError(ErrorCode.TOO_COMPLEX, "These revisions differ in too many places to be compared within "
          + budget.toMillis() + " ms; download both to compare them", new JsonObject().put("limitMs", budget.toMillis()));
      }
    }
    List<String> out = UnifiedDiffUtils.generateUnifiedDiff(
      "a/" + filename + "@" + from, "b/" + filename + "@" + to, a, patch, CONTEXT_LINES);
    return out.isEmpty() ? "" : String.join("\n", out) + "\n";
  }

  /** True for content with a NUL byte in its first 8 KiB or that is not valid UTF-8. */
  public static boolean isBinary(byte[] content) {
    try {
      return isBinary(new ByteArrayInputStream(content));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail to read
    }
  }

  /**
   * The same rule for content read from a stream, in pieces (a large file is never held whole):
   * stops at the first NUL of the first 8 KiB or the first byte that is not UTF-8.
   */
  public static boolean isBinary(InputStream in) throws IOException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes = ByteBuffer.allocate(CHUNK);
    CharBuffer chars = CharBuffer.allocate(CHUNK);
    long sniffed = 0;
    while (true) {
      int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
      for (int i = 0; i < n && sniffed < SNIFF_BYTES; i++, sniffed++) {
        if (bytes.array()[bytes.position() + i] == 0) {
          return true;
        }
      }
      if (n > 0) {
        bytes.position(bytes.position() + n);
      }
      boolean end = n < 0;
      bytes.flip();
      // Decoded characters are not needed, only whether every byte decodes: chars are dropped each round.
      if (decoder.decode(bytes, chars, end).isError()) {
        return true;
      }
      chars.clear();
      bytes.compact();
      if (end) {
        return decoder.flush(chars).isError();
      }
    }
  }

  private static String text(byte[] content) {
    if (isBinary(content)) {
      throw new PdmError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Binary files cannot be compared as text");
    }
    return new String(content, StandardCharsets.UTF_8);
  }

  private static List<String> lines(String text) {
    if (text.isEmpty()) {
      return List.of();
    }
    // Keep a final newline from producing an extra empty line; CR of CRLF files is not content.
    String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    return Arrays.stream(body.split("\n", -1)).map(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l)
      .toList();
  }

  /** Stops a comparison that runs past its deadline (the algorithm reports each of its steps). */
  private record Deadline(long atNanos) implements DiffAlgorithmListener {
    @Override
    public void diffStart() {
    }

    @Override
    public void diffStep(int value, int max) {
      if (System.nanoTime() > atNanos) {
        throw new OverBudget();
      }
    }

    @Override
    public void diffEnd() {
    }
  }

  private TextDiff() {
  }
}
