package com.ncvault.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The identity of a file name: one key for the names Windows or macOS store as one file. */
class NameKeyTest {

  @Test
  void namesThatAreOneFileOnWindowsOrMacOsShareAKey() {
    assertThat(NameKey.of("\u00c4B.nc")).isEqualTo(NameKey.of("A\u0308B.nc")).isEqualTo(NameKey.of("\u00e4b.NC"));
    assertThat(NameKey.of("stra\u00dfe.nc")).isEqualTo(NameKey.of("STRASSE.nc")).isEqualTo("strasse.nc");
    assertThat(NameKey.of("\ufb01le.nc")).isEqualTo(NameKey.of("File.nc"));
    assertThat(NameKey.of("d\u0131sk.nc")).isEqualTo(NameKey.of("DISK.nc")).isEqualTo(NameKey.of("D\u0130SK.nc"));
    assertThat(NameKey.of("\u039f\u0394\u039f\u03a3.nc")).isEqualTo(NameKey.of("\u03bf\u03b4\u03bf\u03c2.nc"))
      .isEqualTo(NameKey.of("\u03bf\u03b4\u03bf\u03c3.nc"));
    assertThat(NameKey.of("\u212a.nc")).isEqualTo(NameKey.of("k.nc"));
  }

  @Test
  void namesThatDifferOnEveryFileSystemKeepTheirOwnKeys() {
    assertThat(NameKey.of("a.nc")).isNotEqualTo(NameKey.of("b.nc"));
    assertThat(NameKey.of("\u00c4B.nc")).isNotEqualTo(NameKey.of("AB.nc"));
    assertThat(NameKey.of("1234567_AB1.nc")).isEqualTo("1234567_ab1.nc");
  }
}
