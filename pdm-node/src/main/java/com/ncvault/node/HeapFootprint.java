package com.ncvault.node;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How much free heap the JVM keeps after a full collection ({@code heapFreePercent}). By default a
 * JVM keeps at least 40 % of its heap free and gives memory back only above 70 %: a node that held
 * 10,000 sockets for a while would keep the memory they took long after they closed. The two ratios
 * can be changed while the JVM runs (they are "manageable"), so the node sets them at its start,
 * unless the command line set either of them.
 */
final class HeapFootprint {

  private static final Logger LOG = LoggerFactory.getLogger(HeapFootprint.class);
  private static final String MIN = "MinHeapFreeRatio";
  private static final String MAX = "MaxHeapFreeRatio";
  /** Where an operator's own setting comes from: those are kept. */
  private static final Set<VMOption.Origin> OPERATOR = Set.of(VMOption.Origin.VM_CREATION,
    VMOption.Origin.ENVIRON_VAR, VMOption.Origin.CONFIG_FILE);

  private HeapFootprint() {
  }

  /**
   * Sets the JVM's most free heap to {@code percent} and its least to half of it; false when it
   * leaves them (0, or the command line set them).
   *
   * @throws IllegalArgumentException for a percentage other than 0 or 2 to 100
   */
  static boolean apply(int percent) {
    if (percent == 0) {
      return false;
    }
    if (percent < 2 || percent > 100) {
      throw new IllegalArgumentException("heapFreePercent must be 0 (the JVM's own) or between 2 and 100, not "
        + percent);
    }
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    VMOption min = vm.getVMOption(MIN);
    VMOption max = vm.getVMOption(MAX);
    if (OPERATOR.contains(min.getOrigin()) || OPERATOR.contains(max.getOrigin())) {
      LOG.info("Free heap after a collection: {} % to {} %, as the command line set it", min.getValue(), max.getValue());
      return false;
    }
    int least = percent / 2;
    // the JVM refuses a least above the most at every step
    if (least <= Integer.parseInt(max.getValue())) {
      vm.setVMOption(MIN, Integer.toString(least));
      vm.setVMOption(MAX, Integer.toString(percent));
    } else {
      vm.setVMOption(MAX, Integer.toString(percent));
      vm.setVMOption(MIN, Integer.toString(least));
    }
    return true;
  }
}
