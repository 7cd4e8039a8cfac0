package com.ncvault.node;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code heapFreePercent}: the JVM's free-heap ratios as the node sets them, and kept where the command line set them. */
class HeapFootprintTest {

  private static final HotSpotDiagnosticMXBean VM = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
  private final String minBefore = VM.getVMOption("MinHeapFreeRatio").getValue();
  private final String maxBefore = VM.getVMOption("MaxHeapFreeRatio").getValue();

  @AfterEach
  void restoreThisJvmsRatios() {
    VM.setVMOption("MinHeapFreeRatio", "0");
    VM.setVMOption("MaxHeapFreeRatio", maxBefore);
    VM.setVMOption("MinHeapFreeRatio", minBefore);
  }

  private static List<String> ratios() {
    return List.of(VM.getVMOption("MinHeapFreeRatio").getValue(), VM.getVMOption("MaxHeapFreeRatio").getValue());
  }

  @Test
  void thePercentIsTheMostFreeHeapAndHalfOfItTheLeastInEitherDirection() {
    assertThat(HeapFootprint.apply(20)).isTrue();
    assertThat(ratios()).containsExactly("10", "20");
    assertThat(HeapFootprint.apply(100)).as("the least above the old most").isTrue();
    assertThat(ratios()).containsExactly("50", "100");
    assertThat(HeapFootprint.apply(6)).isTrue();
    assertThat(ratios()).containsExactly("3", "6");
  }

  @Test
  void zeroLeavesTheJvmsOwnAndAPercentOutOfRangeIsRefusedWithItsName() {
    List<String> before = ratios();
    assertThat(HeapFootprint.apply(0)).isFalse();
    assertThat(ratios()).isEqualTo(before);
    for (int wrong : new int[] {1, 101, -5}) {
      assertThatThrownBy(() -> HeapFootprint.apply(wrong)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("heapFreePercent");
    }
    assertThat(ratios()).isEqualTo(before);
  }

  /** The flags of a running node's JVM, as {@code jcmd VM.flags} prints them. */
  private static String flags(NodeProcess node) throws Exception {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
      Long.toString(node.pid()), "VM.flags").redirectErrorStream(true).start();
    String out = new String(jcmd.getInputStream().readAllBytes());
    assertThat(jcmd.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void aNodeSetsTheRatiosAtItsStartUnlessItsCommandLineSetOne(@TempDir Path dir) throws Exception {
    try (NodeProcess node = NodeProcess.start(TestNode.freePort(), dir.resolve("default"))) {
      assertThat(flags(node)).contains("-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20");
    }
    try (NodeProcess node = NodeProcess.start(TestNode.freePort(), dir.resolve("operator"),
      List.of("-XX:MaxHeapFreeRatio=50"), Map.of("PDM_HEAP_FREE_PERCENT", "30"), List.of())) {
      String flags = flags(node);
      assertThat(flags).contains("-XX:MaxHeapFreeRatio=50").doesNotContain("-XX:MinHeapFreeRatio=15");
    }
  }
}
