package com.ncvault.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContentDispositionTest {

  @Test
  void aPlainNameIsUsedAsIs() {
    assertThat(ContentDisposition.attachment("1234567_AB1.mcam"))
      .isEqualTo("attachment; filename=\"1234567_AB1.mcam\"; filename*=UTF-8''1234567_AB1.mcam");
  }

  @Test
  void nonAsciiNamesKeepTheirExactNameInFilenameStar() {
    assertThat(ContentDisposition.attachment("Prüfteil ä.nc"))
      .isEqualTo("attachment; filename=\"Pr_fteil _.nc\"; filename*=UTF-8''Pr%C3%BCfteil%20%C3%A4.nc");
  }

  @Test
  void quotesBackslashesAndLineBreaksCannotEscapeTheHeader() {
    String header = ContentDisposition.attachment("a\"b\r\nSet-Cookie: x=1;.nc");
    assertThat(header).doesNotContain("\r").doesNotContain("\n")
      .startsWith("attachment; filename=\"a_b__Set-Cookie: x=1;.nc\"; filename*=UTF-8''a%22b%0D%0ASet-Cookie%3A%20x%3D1%3B.nc");
  }

  @Test
  void pathPartsAreDroppedAndAnEmptyNameGetsADefault() {
    assertThat(ContentDisposition.attachment("..\\..\\evil.nc")).startsWith("attachment; filename=\"evil.nc\"");
    assertThat(ContentDisposition.attachment("dir/")).startsWith("attachment; filename=\"download\"");
    assertThat(ContentDisposition.attachment(null)).startsWith("attachment; filename=\"download\"");
  }
}
