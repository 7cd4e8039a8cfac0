package com.ncvault.contract;

/** One revision of a file ("major.minor"), with who made it, when and why. */
public record RevisionInfo(
  String revision,
  String author,
  String timestamp,
  String message,
  long size,
  String sha256) {
}
