package com.ncvault.storage;

/**
 * Groups files by part number: a name starting with seven digits belongs to the family of its
 * first two digits ({@code 1234567_AB1.mcam} -> {@code 12XXXXX}); anything else to {@code Misc}.
 */
public final class Grouping {

  public static final String MISC = "Misc";
  private static final int PART_NUMBER_DIGITS = 7;

  public static String groupOf(String filename) {
    if (filename == null || filename.length() < PART_NUMBER_DIGITS) {
      return MISC;
    }
    for (int i = 0; i < PART_NUMBER_DIGITS; i++) {
      char c = filename.charAt(i);
      if (c < '0' || c > '9') {
        return MISC;
      }
    }
    return filename.substring(0, 2) + "XXXXX";
  }

  private Grouping() {
  }
}
