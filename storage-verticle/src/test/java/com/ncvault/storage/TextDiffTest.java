package com.ncvault.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Diffs are bounded: the pathological pairs a viewer could ask for answer fast or are refused. */
class TextDiffTest {

  /** A program of {@code lines} blocks numbered from {@code firstN} in steps of 10. */
  private static byte[] program(int lines, int firstN) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      out.append('N').append(firstN + 10 * i).append(" G01 X").append(i % 400).append(".5 Y")
        .append((i * 7) % 300).append(" F800\n");
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aProgramRepostedWithEveryNWordRenumberedComparesAtOnce() {
    byte[] before = program(20_000, 10);
    byte[] after = program(20_000, 15);
    long start = System.nanoTime();
    String diff = TextDiff.unified("p.nc", "1.0", before, "1.1", after);
    long millis = (System.nanoTime() - start) / 1_000_000;

    System.out.printf("Diff of two 20,000-line revisions with every line changed: %d ms%n", millis);
    assertThat(millis).as("ms for the whole comparison").isLessThan(1000);
    assertThat(diff).startsWith("--- a/p.nc@1.0\n+++ b/p.nc@1.1\n@@ -1,20000 +1,20000 @@\n");
    assertThat(diff.lines().filter(l -> l.startsWith("-N")).count()).isEqualTo(20_000);
    assertThat(diff.lines().filter(l -> l.startsWith("+N")).count()).isEqualTo(20_000);
  }

  @Test
  void aComparisonThatOutrunsItsBudgetIsRefusedNamingTheLimit() {
    // Every other line equal, the rest all different: the algorithm has to search widely.
    StringBuilder a = new StringBuilder();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      String common = i % 2 == 0 ? "G00 Z5.\n" : null;
      a.append(common != null ? common : "G01 X" + i + "\n");
      b.append(common != null ? common : "G01 Y" + i + "\n");
    }
    assertThatThrownBy(() -> TextDiff.unified("p.nc", "1.0", a.toString().getBytes(StandardCharsets.UTF_8), "1.1",
      b.toString().getBytes(StandardCharsets.UTF_8), Duration.ofMillis(50)))
      .isInstanceOfSatisfying(PdmError.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_COMPLEX);
        assertThat(e.code().status()).isEqualTo(422);
        assertThat(e.getMessage()).contains("50 ms");
        assertThat(e.details().getLong("limitMs")).isEqualTo(50L);
      });
  }

  @Test
  void anOrdinaryChangeIsStillAPreciseUnifiedDiff() {
    String v1 = "O1001\nG21 G90\nT1 M06\nS3000 M03\nG01 X10. F600.\nG01 Y20.\nG01 X0.\nM30\n";
    String v2 = v1.replace("F600.", "F450.");
    String diff = TextDiff.unified("part.nc", "1.0", v1.getBytes(StandardCharsets.UTF_8), "1.1",
      v2.getBytes(StandardCharsets.UTF_8));
    assertThat(diff).isEqualTo("--- a/part.nc@1.0\n+++ b/part.nc@1.1\n@@ -2,7 +2,7 @@\n G21 G90\n T1 M06\n"
      + " S3000 M03\n-G01 X10. F600.\n+G01 X10. F450.\n G01 Y20.\n G01 X0.\n M30\n");
  }

  @Test
  void contentIsBinaryWithANulEarlyOnOrAnyByteThatIsNotUtf8ReadInPiecesOrWhole() throws Exception {
    byte[] umlauts = "(Ø6.8 BOHRER, Fräser)\nG01 X1.\n".repeat(4000).getBytes(StandardCharsets.UTF_8);
    byte[] lateNul = Arrays.copyOf(umlauts, umlauts.length + 1);
    byte[] earlyNul = umlauts.clone();
    earlyNul[100] = 0;
    byte[] badLate = umlauts.clone();
    badLate[badLate.length - 5] = (byte) 0xff;
    byte[] cutCharacter = Arrays.copyOf(umlauts, 2); // "(" and the first byte of "Ø"

    for (byte[] text : new byte[][] {umlauts, lateNul, new byte[0]}) {
      assertThat(TextDiff.isBinary(text)).isFalse();
      assertThat(TextDiff.isBinary(trickle(text))).as("read 7 bytes at a time").isFalse();
    }
    for (byte[] binary : new byte[][] {earlyNul, badLate, cutCharacter}) {
      assertThat(TextDiff.isBinary(binary)).isTrue();
      assertThat(TextDiff.isBinary(trickle(binary))).as("read 7 bytes at a time").isTrue();
    }
  }

  /** A stream that hands out at most 7 bytes per read, so that characters are split between reads. */
  private static InputStream trickle(byte[] content) {
    return new ByteArrayInputStream(content) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 7));
      }
    };
  }
}
