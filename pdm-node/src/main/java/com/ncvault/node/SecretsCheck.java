package com.ncvault.node;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.ncvault.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The secrets checked at join. Every node carries SHA-256 digests of its token key and of its
 * cluster secret as Hazelcast member attributes, never the secrets. A node that joins compares its
 * digests with those of the nodes that were members before it and refuses to serve when one
 * differs, naming which: with another token key every login made at another node would fail here
 * (and the reverse), with another cluster secret every content copy between it and the others.
 */
final class SecretsCheck {

  /** Member attribute: digest of the token signing key (jwtSecret). */
  static final String JWT_DIGEST_ATTRIBUTE = "pdm.jwtSecret.sha256";
  /** Member attribute: digest of the cluster secret. */
  static final String CLUSTER_SECRET_DIGEST_ATTRIBUTE = "pdm.clusterSecret.sha256";

  /** Attribute -> the configuration key whose value it digests, in the order messages name them. */
  private static final Map<String, String> SECRETS = new LinkedHashMap<>();

  static {
    SECRETS.put(JWT_DIGEST_ATTRIBUTE, ConfigKeys.JWT_SECRET);
    SECRETS.put(CLUSTER_SECRET_DIGEST_ATTRIBUTE, ConfigKeys.CLUSTER_SECRET);
  }

  private SecretsCheck() {
  }

  /** The attributes this node publishes: attribute name -> digest. */
  static Map<String, String> digests(JsonObject config) {
    Map<String, String> digests = new LinkedHashMap<>();
    SECRETS.forEach((attribute, key) -> digests.put(attribute, digest(key, config.getString(key, ""))));
    return digests;
  }

  /**
   * SHA-256 of the key's name and the secret: equal secrets give equal digests; the name keeps two
   * equal secrets of different purposes from showing as equal.
   */
  static String digest(String key, String secret) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update((key + "\n").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha256.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /**
   * The configuration keys whose secret differs between the two, by digest. A member without
   * digests (a program that joined the cluster without being a node) differs in nothing.
   */
  static List<String> differing(ClusterPeer mine, ClusterPeer other) {
    List<String> keys = new ArrayList<>();
    SECRETS.forEach((attribute, key) -> {
      String theirs = other.attributes().get(attribute);
      if (theirs != null && !theirs.equals(mine.attributes().get(attribute))) {
        keys.add(key);
      }
    });
    return keys;
  }

  /** Why {@code mine} must not serve beside the members that joined before it, or empty when it may. */
  static Optional<String> refusal(ClusterPeer mine, List<ClusterPeer> older) {
    Map<String, List<String>> nodesByKey = new LinkedHashMap<>();
    for (ClusterPeer other : older) {
      for (String key : differing(mine, other)) {
        nodesByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(other.name());
      }
    }
    if (nodesByKey.isEmpty()) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    nodesByKey.forEach((key, nodes) -> parts.add(key + " (" + ConfigKeys.envName(key) + ") differs from that of "
      + String.join(", ", nodes)));
    return Optional.of("Node " + mine.name() + " refuses to serve in this cluster: its " + String.join("; its ", parts)
      + " (compared by SHA-256 digest). Give every node the same value and start it again.");
  }

  /** The check for this node, right after it joined: members are listed oldest first. */
  static Optional<String> refusal(HazelcastInstance hazelcast) {
    Member local = hazelcast.getCluster().getLocalMember();
    List<ClusterPeer> older = new ArrayList<>();
    for (Member member : hazelcast.getCluster().getMembers()) {
      if (member.localMember()) {
        break;
      }
      older.add(ClusterPeer.of(member));
    }
    return refusal(ClusterPeer.of(local), older);
  }
}
