package com.ncvault.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class FilenameRulesTest {

  private final FilenameRules rules = new FilenameRules(List.of(".mcam", ".nc", "TAP", ".vnc"), "");
  private final FilenameRules partNumbers =
    new FilenameRules(List.of(".mcam", ".nc"), "^\\d{7}(_[A-Z]{1,3}\\d{1,3})?$");

  @ParameterizedTest(name = "accepts {0}")
  @CsvSource(delimiter = '|', textBlock = """
    1234567_AB1.mcam
    1234567_AB1.NC
    fixture plate v2.nc
    Flansch_Größe-3.tap
    a.b.nc
    CONSOLE.nc
    com10.nc
    lpt.nc
    日本語の部品.vnc
    """)
  void acceptsOrdinaryNames(String name) {
    assertThat(rules.check(name)).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("refused")
  void refusesUnsafeNamesWithAClearReason(String name, String reason) {
    assertThat(rules.check(name)).hasValueSatisfying(message -> assertThat(message).containsIgnoringCase(reason));
  }

  static List<Object[]> refused() {
    return List.of(
      new Object[] {"", "required"},
      new Object[] {"a/b.nc", "path separators"},
      new Object[] {"a\\b.nc", "path separators"},
      new Object[] {"/etc/passwd.nc", "path separators"},
      new Object[] {"a<b.nc", "< > :"},
      new Object[] {"a>b.nc", "< > :"},
      new Object[] {"C:part.nc", "< > :"},
      new Object[] {"say\"hi\".nc", "< > :"},
      new Object[] {"a|b.nc", "< > :"},
      new Object[] {"what?.nc", "< > :"},
      new Object[] {"*.nc", "< > :"},
      new Object[] {"..nc", "'..'"},
      new Object[] {"a..b.nc", "'..'"},
      new Object[] {"nul\u0000byte.nc", "control"},
      new Object[] {"tab\there.nc", "control"},
      new Object[] {"bell\u0007.nc", "control"},
      new Object[] {"del\u007f.nc", "control"},
      new Object[] {"c1\u0085.nc", "control"},
      new Object[] {" lead.nc", "start or end"},
      new Object[] {"trail.nc ", "start or end"},
      new Object[] {".hidden.nc", "start or end"},
      new Object[] {"trail.nc.", "start or end"},
      new Object[] {"\u00a0nbsp.nc", "start or end"},
      new Object[] {"CON", "reserved device"},
      new Object[] {"con.nc", "reserved device"},
      new Object[] {"Prn.mcam", "reserved device"},
      new Object[] {"aux.tap", "reserved device"},
      new Object[] {"NUL.nc", "reserved device"},
      new Object[] {"COM1.nc", "reserved device"},
      new Object[] {"com9.nc", "reserved device"},
      new Object[] {"LPT1.nc", "reserved device"},
      new Object[] {"lpt9.nc", "reserved device"},
      new Object[] {"con .nc", "reserved device"},
      new Object[] {"COM\u00b9.nc", "reserved device"},
      new Object[] {"x".repeat(253) + ".nc", "255 bytes"},
      new Object[] {"ü".repeat(127) + ".nc", "255 bytes"},
      new Object[] {"a\u2215b.nc", "look like"},
      new Object[] {"a\u2044b.nc", "look like"},
      new Object[] {"a\uff0fb.nc", "look like"},
      new Object[] {"a\uff3cb.nc", "look like"},
      new Object[] {"part\uff0enc", "look like"},
      new Object[] {"part\u2024nc", "look like"},
      new Object[] {"part\u2025nc", "look like"},
      new Object[] {"part\ufe52nc", "look like"},
      new Object[] {"part\uff1a1.nc", "look like"},
      new Object[] {"a\u202eb.nc", "invisible"},
      new Object[] {"zero\u200bwidth.nc", "invisible"},
      new Object[] {"\ud800broken.nc", "invalid"},
      new Object[] {"\uff23\uff2f\uff2e.nc", "reserved device"},
      new Object[] {"noext", "needs an extension"},
      new Object[] {"part.exe", "not accepted"},
      new Object[] {"part.nc.exe", "not accepted"},
      new Object[] {"part.\uff4e\uff43", "extension"});
  }

  @Test
  void acceptedNamesAreExactlyThe255ByteLimit() {
    assertThat(rules.check("x".repeat(252) + ".nc")).isEmpty();
    assertThat(rules.check("ü".repeat(125) + "x.nc")).isEmpty();
  }

  @Test
  void extensionsCompareIgnoringCaseAndWithOrWithoutTheDot() {
    assertThat(rules.check("PART.MCAM")).isEmpty();
    assertThat(rules.check("part.Tap")).isEmpty();
    assertThat(rules.allowedExtensions()).containsExactly(".mcam", ".nc", ".tap", ".vnc");
  }

  @ParameterizedTest(name = "pattern: {0} accepted={1}")
  @CsvSource({
    "1234567.nc, true",
    "1234567_AB1.mcam, true",
    "1234567_ab1.nc, false",
    "123456_AB1.nc, false",
    "fixture.nc, false",
  })
  void theConfiguredPatternAppliesToTheNameBeforeTheExtension(String name, boolean accepted) {
    assertThat(partNumbers.check(name).isEmpty()).as(partNumbers.check(name).orElse("")).isEqualTo(accepted);
  }

  @Test
  void requireThrowsA400InvalidFilename() {
    assertThatThrownBy(() -> rules.require("a/b.nc"))
      .isInstanceOfSatisfying(PdmError.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FILENAME);
        assertThat(e.code().status()).isEqualTo(400);
      });
  }
}
