package com.ncvault.contract;

/**
 * The node-to-node HTTP interface: a node fetches content it lacks from another node with
 * {@code GET <internalUrl>/internal/blobs/<sha256>}, presenting the shared cluster secret
 * ({@link ConfigKeys#CLUSTER_SECRET}) in the header {@link #SECRET_HEADER}.
 */
public final class ClusterHttp {

  /** Path prefix of a blob; the lower-case hex SHA-256 follows. */
  public static final String BLOBS_PATH = "/internal/blobs/";
  /** Header carrying the cluster secret on internal requests. */
  public static final String SECRET_HEADER = "X-PDM-Cluster-Secret";

  private ClusterHttp() {
  }
}
