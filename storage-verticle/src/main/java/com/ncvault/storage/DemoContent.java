package com.ncvault.storage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The sample vault of demo mode: a Mastercam stand-in and NC programs in two part families and
 * Misc, each with a short honest history, and one program left checked out by bob.
 */
final class DemoContent {

  enum Kind { CREATE, CHECKOUT, CHECKIN }

  /** One operation of the demo history; content only for CREATE and CHECKIN. */
  record Step(Kind kind, String filename, String user, String text, byte[] content) {
  }

  private static final String FLANGE_V1 = """
    %
    O1001 (1234567_AB1 FLANGE - OP10)
    (MATERIAL 6061-T6 - STOCK 100 X 100 X 25)
    G21 G17 G40 G49 G80 G90
    G54
    (T1 - 50MM FACE MILL)
    T1 M06
    S3000 M03
    G00 X-30. Y0.
    G43 H01 Z25. M08
    G00 Z1.
    G01 Z-0.5 F300.
    G01 X130. F800.
    G00 Z25.
    (T2 - 10MM END MILL - CONTOUR)
    T2 M06
    S6000 M03
    G00 X-5. Y-5.
    G43 H02 Z25. M08
    G01 Z-10. F200.
    G01 X0. Y0. F600.
    G01 Y100.
    G01 X100.
    G01 Y0.
    G01 X0.
    G00 Z25. M09
    G28 G91 Z0.
    M30
    %
    """;

  private static final String FLANGE_V2 = FLANGE_V1.replace("G01 X0. Y0. F600.", "G01 X0. Y0. F450.");

  private static final String FLANGE_V3 = FLANGE_V2.replace("    G00 Z25. M09\n", "")
    .replace("G28 G91 Z0.\nM30", """
      G00 Z25. M09
      (T3 - 6MM CHAMFER MILL - 1MM X 45)
      T3 M06
      S8000 M03
      G00 X-3. Y10.
      G43 H03 Z25. M08
      G01 Z-1. F150.
      G01 X-3. Y97. F500.
      G02 X3. Y103. R6.
      G01 X97.
      G02 X103. Y97. R6.
      G01 Y3.
      G02 X97. Y-3. R6.
      G01 X3.
      G02 X-3. Y3. R6.
      G00 Z25. M09
      G28 G91 Z0.
      M30""");

  private static final String BRACKET_V1 = """
    %
    O2001 (2345678_C1 BRACKET - DRILL 4X 8.5)
    (MATERIAL S235 - VISE)
    G21 G17 G40 G49 G80 G90
    G54
    (T5 - 8.5MM CARBIDE DRILL)
    T5 M06
    S2200 M03
    G00 X15. Y15.
    G43 H05 Z25. M08
    G98 G83 X15. Y15. Z-22. R2. Q4. F180.
    X85.
    Y65.
    X15.
    G80
    G00 Z25. M09
    G28 G91 Z0.
    M30
    %
    """;

  private static final String BRACKET_V2 = BRACKET_V1.replace("G00 Z25. M09\nG28", "G00 Z50. M09\nG28");

  private static final String POCKET_V1 = """
    %
    O2002 (2345678_C2 COVER - POCKET 60 X 40 R8)
    (MATERIAL 7075 - STOCK 80 X 60 X 15)
    G21 G17 G40 G49 G80 G90
    G55
    (T4 - 8MM END MILL)
    T4 M06
    S7500 M03
    G00 X40. Y30.
    G43 H04 Z25. M08
    G00 Z1.
    G01 Z-4. F150.
    G01 X18. F700.
    G01 Y18.
    G03 X26. Y10. R8.
    G01 X54.
    G03 X62. Y18. R8.
    G01 Y42.
    G03 X54. Y50. R8.
    G01 X26.
    G03 X18. Y42. R8.
    G01 Y30.
    G00 Z25. M09
    G28 G91 Z0.
    M30
    %
    """;

  private static final String POCKET_V2 = POCKET_V1.replace("G01 Z-4. F150.", "G01 Z-3.8 F150.")
    .replace("(MATERIAL 7075 - STOCK 80 X 60 X 15)", "(MATERIAL 7075 - STOCK 80 X 60 X 15)\n(LEAVES 0.2 FLOOR FOR OP20)");

  private static final String FIXTURE_V1 = """
    %
    O3001 (FIXTURE PLATE - TAP 6X M8)
    G21 G17 G40 G49 G80 G90
    G54
    (T7 - M8X1.25 MACHINE TAP)
    T7 M06
    S500 M03
    G00 X20. Y20.
    G43 H07 Z25. M08
    G98 G84 X20. Y20. Z-16. R5. F600.
    X100.
    X180.
    Y80.
    X100.
    X20.
    G80
    G00 Z25. M09
    G28 G91 Z0.
    M30
    %
    """;

  private static final String FIXTURE_V2 = FIXTURE_V1.replace("R5. F600.", "R5. F625.");

  static List<Step> steps() {
    List<Step> s = new ArrayList<>();
    s.add(create("1234567_AB1.mcam", "alice", "Flange, OP10 and OP20 toolpaths", mcam(1)));
    s.add(create("1234567_AB1.nc", "alice", "Flange OP10: face and outside contour", text(FLANGE_V1)));
    revise(s, "1234567_AB1.nc", "alice", "Chatter on the long sides",
      "Reduce contour feed to F450 after chatter on the long sides", FLANGE_V2);
    revise(s, "1234567_AB1.nc", "alice", "Adding the chamfer pass",
      "Add 1 mm chamfer pass with T3 as the drawing now asks", FLANGE_V3);
    revise(s, "1234567_AB1.mcam", "alice", "Regenerate toolpaths",
      "Regenerate toolpaths after the chamfer change", null);
    s.add(create("2345678_C1.tap", "bob", "Bracket: drill 4x 8.5 through", text(BRACKET_V1)));
    revise(s, "2345678_C1.tap", "bob", "Clamp clearance",
      "Raise the retract to Z50 before the tool change; Z25 touched the clamps", BRACKET_V2);
    s.add(create("2345678_C2.nc", "alice", "Cover: pocket 60 x 40 with R8 corners", text(POCKET_V1)));
    revise(s, "2345678_C2.nc", "alice", "Floor allowance",
      "Leave 0.2 mm on the pocket floor for the finishing op", POCKET_V2);
    s.add(create("fixture_plate.nc", "bob", "Fixture plate: tap 6x M8", text(FIXTURE_V1)));
    revise(s, "fixture_plate.nc", "bob", "Tap feed",
      "Tap feed must be pitch x rpm: 1.25 x 500 = F625", FIXTURE_V2);
    s.add(new Step(Kind.CHECKOUT, "2345678_C1.tap", "bob", "Trying a 2 mm peck for the new carbide drill",
      null));
    return s;
  }

  private static Step create(String filename, String user, String description, byte[] content) {
    return new Step(Kind.CREATE, filename, user, description, content);
  }

  /** A checkout followed by a check-in; content null = the next Mastercam stand-in. */
  private static void revise(List<Step> s, String filename, String user, String checkoutMessage,
                             String checkinMessage, String content) {
    s.add(new Step(Kind.CHECKOUT, filename, user, checkoutMessage, null));
    s.add(new Step(Kind.CHECKIN, filename, user, checkinMessage, content == null ? mcam(2) : text(content)));
  }

  private static byte[] text(String program) {
    return program.getBytes(StandardCharsets.US_ASCII);
  }

  /** A binary stand-in for a Mastercam file: a header, NUL bytes and random-looking content. */
  private static byte[] mcam(int version) {
    byte[] header = ("MCAM-DEMO v" + version + "\0\0\0\0").getBytes(StandardCharsets.US_ASCII);
    byte[] body = new byte[16 * 1024];
    new Random(1234567L * version).nextBytes(body);
    byte[] out = new byte[header.length + body.length];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(body, 0, out, header.length, body.length);
    return out;
  }

  private DemoContent() {
  }
}
