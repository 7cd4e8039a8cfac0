package com.ncvault.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One revision of a file ("major.minor"), with who made it, when and why. {@code replicas}: the
 * names of the nodes whose blob store holds its content, sorted; only when asked for (admins).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RevisionInfo(
  String revision,
  String author,
  String timestamp,
  String message,
  long size,
  String sha256,
  List<String> replicas) {

  public RevisionInfo(String revision, String author, String timestamp, String message, long size, String sha256) {
    this(revision, author, timestamp, message, size, sha256, null);
  }

  public RevisionInfo withReplicas(List<String> nodes) {
    return new RevisionInfo(revision, author, timestamp, message, size, sha256, List.copyOf(nodes));
  }
}
