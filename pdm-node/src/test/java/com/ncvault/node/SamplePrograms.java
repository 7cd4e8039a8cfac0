package com.ncvault.node;

/** NC programs the end-to-end and browser tests check in, with what they hold written beside them. */
public final class SamplePrograms {

  /**
   * A 120 x 80 plate: faced with T1 (X -30..150, Y 0..40), a pocket (a full circle of radius 10
   * about X50 Y20) with T2, two holes (X10 and X110 at Y70, 12 deep) with T3. Extents X -30..150,
   * Y 0..70, Z -12..5.
   */
  public static final String PLATE = """
    %
    O3001 (PLATE)
    G21 G90 G17
    T1 M6 (50MM FACE MILL)
    G0 X-30. Y0 Z5.
    G1 Z0 F800.
    X150.
    Y40.
    X-30.
    G0 Z5.
    T2 M6 (10MM ENDMILL)
    G0 X40. Y20.
    G1 Z-3. F200.
    G3 X40. Y20. I10. J0 F400.
    G0 Z5.
    T3 M6 (6.8MM DRILL)
    G98 G81 X10. Y70. Z-12. R2. F120.
    X110.
    G80
    M30
    %
    """;

  /**
   * The next revision: the pocket 2 mm further in Y, T2 a three-flute end mill, and a chamfer along
   * X0..20 with a new T5.
   */
  public static final String PLATE_MOVED_POCKET = PLATE.replace("X40. Y20.", "X40. Y22.")
    .replace("10MM ENDMILL", "10MM ENDMILL 3FL")
    .replace("G80\n", "G80\nT5 M6 (CHAMFER)\nG0 X0 Y0\nG1 Z-1. F300.\nX20.\nG0 Z5.\n");

  private SamplePrograms() {
  }
}
