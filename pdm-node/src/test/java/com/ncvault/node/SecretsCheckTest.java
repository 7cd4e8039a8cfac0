package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A joining node compares the digests of its secrets with those of the nodes already there. */
class SecretsCheckTest {

  private static ClusterPeer node(String name, String jwtSecret, String clusterSecret) {
    Map<String, String> attributes = new java.util.HashMap<>(SecretsCheck.digests(new JsonObject()
      .put(ConfigKeys.JWT_SECRET, jwtSecret).put(ConfigKeys.CLUSTER_SECRET, clusterSecret)));
    attributes.put(ClusterSetup.NODE_NAME_ATTRIBUTE, name);
    return new ClusterPeer(name, Map.copyOf(attributes));
  }

  private final ClusterPeer a = node("node-a", "token-key", "cluster-secret");
  private final ClusterPeer b = node("node-b", "token-key", "cluster-secret");

  @Test
  void aNodeWithTheClustersSecretsServes() {
    assertThat(SecretsCheck.refusal(node("node-c", "token-key", "cluster-secret"), List.of(a, b))).isEmpty();
  }

  @Test
  void anotherTokenKeyIsNamedWithTheNodesItDiffersFromAndTheSecretsAreNot() {
    String refusal = SecretsCheck.refusal(node("node-c", "other-token-key", "cluster-secret"), List.of(a, b))
      .orElseThrow();
    assertThat(refusal).startsWith("Node node-c refuses to serve in this cluster: its jwtSecret (PDM_JWT_SECRET)"
      + " differs from that of node-a, node-b").doesNotContain("clusterSecret").doesNotContain("token-key");
  }

  @Test
  void anotherClusterSecretIsNamed() {
    assertThat(SecretsCheck.refusal(node("node-c", "token-key", "wrong"), List.of(a)).orElseThrow())
      .contains("its clusterSecret (PDM_CLUSTER_SECRET) differs from that of node-a").doesNotContain("jwtSecret");
  }

  @Test
  void bothAreNamedWhenBothDiffer() {
    assertThat(SecretsCheck.refusal(node("node-c", "x", "y"), List.of(a)).orElseThrow())
      .contains("its jwtSecret (PDM_JWT_SECRET) differs").contains("its clusterSecret (PDM_CLUSTER_SECRET) differs");
  }

  @Test
  void theFirstNodeAndProgramsThatJoinedWithoutBeingNodesDecideNothing() {
    ClusterPeer integration = new ClusterPeer("[127.0.0.1]:5705", Map.of());
    assertThat(SecretsCheck.refusal(node("node-a", "any", "any"), List.of())).isEmpty();
    assertThat(SecretsCheck.refusal(node("node-a", "any", "any"), List.of(integration))).isEmpty();
    assertThat(integration.isNode()).isFalse();
    assertThat(a.isNode()).isTrue();
  }

  @Test
  void aDigestDependsOnTheSecretAndItsPurpose() {
    assertThat(SecretsCheck.digest(ConfigKeys.JWT_SECRET, "s")).hasSize(64)
      .isEqualTo(SecretsCheck.digest(ConfigKeys.JWT_SECRET, "s"))
      .isNotEqualTo(SecretsCheck.digest(ConfigKeys.JWT_SECRET, "t"))
      .isNotEqualTo(SecretsCheck.digest(ConfigKeys.CLUSTER_SECRET, "s"));
  }
}
