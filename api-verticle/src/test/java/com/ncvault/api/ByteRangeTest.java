package com.ncvault.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteRangeTest {

  private static ByteRange partial(long first, long last) {
    return new ByteRange(ByteRange.Kind.PARTIAL, first, last);
  }

  @Test
  void noHeaderMeansTheWholeFile() {
    assertThat(ByteRange.parse(null, 100)).isEqualTo(ByteRange.WHOLE);
  }

  @Test
  void aClosedRangeIsServedAsAsked() {
    ByteRange range = ByteRange.parse("bytes=10-19", 100);
    assertThat(range).isEqualTo(partial(10, 19));
    assertThat(range.length()).isEqualTo(10);
  }

  @Test
  void anOpenRangeRunsToTheEnd() {
    assertThat(ByteRange.parse("bytes=90-", 100)).isEqualTo(partial(90, 99));
  }

  @Test
  void aSuffixRangeIsTheLastBytes() {
    assertThat(ByteRange.parse("bytes=-5", 100)).isEqualTo(partial(95, 99));
    assertThat(ByteRange.parse("bytes=-500", 100)).isEqualTo(partial(0, 99));
  }

  @Test
  void anEndBeyondTheFileIsCutToTheFile() {
    assertThat(ByteRange.parse("bytes=50-1000", 100)).isEqualTo(partial(50, 99));
  }

  @Test
  void whitespaceAndUnitCaseAreTolerated() {
    assertThat(ByteRange.parse(" Bytes= 1 - 2 ", 100)).isEqualTo(partial(1, 2));
  }

  @Test
  void aStartAtOrBeyondTheEndIsUnsatisfiable() {
    assertThat(ByteRange.parse("bytes=100-", 100)).isEqualTo(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=500-600", 100)).isEqualTo(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=-0", 100)).isEqualTo(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=0-", 0)).isEqualTo(ByteRange.UNSATISFIABLE);
  }

  @Test
  void malformedOrMultipleRangesAreIgnored() {
    assertThat(ByteRange.parse("bytes=0-1,5-6", 100)).isEqualTo(ByteRange.WHOLE);
    assertThat(ByteRange.parse("bytes=abc", 100)).isEqualTo(ByteRange.WHOLE);
    assertThat(ByteRange.parse("bytes=5-1", 100)).isEqualTo(ByteRange.WHOLE);
    assertThat(ByteRange.parse("bytes=-", 100)).isEqualTo(ByteRange.WHOLE);
    assertThat(ByteRange.parse("bytes=1-x", 100)).isEqualTo(ByteRange.WHOLE);
    assertThat(ByteRange.parse("items=0-1", 100)).isEqualTo(ByteRange.WHOLE);
    assertThat(ByteRange.parse("bytes=99999999999999999999-", 100)).isEqualTo(ByteRange.WHOLE);
  }
}
