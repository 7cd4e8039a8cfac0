package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.ncvault.contract.ConfigKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What a clustered node requires before it joins, and the Hazelcast settings it joins with. */
class ClusterSetupTest {

  private static JsonObject clustered() {
    return ConfigKeys.defaults()
      .put(ConfigKeys.CLUSTER, true)
      .put(ConfigKeys.DB_KIND, "postgres")
      .put(ConfigKeys.JWT_SECRET, "shared-token-key")
      .put(ConfigKeys.CLUSTER_SECRET, "shared-cluster-secret");
  }

  @Test
  void aCompleteClusterConfigurationIsAccepted() {
    assertThat(ClusterSetup.missingForCluster(clustered())).isEmpty();
  }

  @Test
  void withoutASharedTokenKeyTheNodeRefusesAndSaysWhichVariableToSet() {
    assertThatThrownBy(() -> ClusterSetup.requireClusterSettings(clustered().put(ConfigKeys.JWT_SECRET, "")))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("jwtSecret (PDM_JWT_SECRET) must be set")
      .hasMessageNotContaining("clusterSecret");
  }

  @Test
  void withoutAClusterSecretTheNodeRefuses() {
    assertThat(ClusterSetup.missingForCluster(clustered().put(ConfigKeys.CLUSTER_SECRET, " ")))
      .singleElement().asString().startsWith("clusterSecret (PDM_CLUSTER_SECRET) must be set");
  }

  @Test
  void eachNodeWithItsOwnEmbeddedDatabaseIsRefusedAndEverythingMissingIsSaidAtOnce() {
    JsonObject config = ConfigKeys.defaults().put(ConfigKeys.CLUSTER, true);
    assertThat(ClusterSetup.missingForCluster(config)).hasSize(3);
    assertThat(ClusterSetup.missingForCluster(config).get(2)).contains("dbKind (PDM_DB_KIND) must be postgres");
  }

  @Test
  void hazelcastJoinsOnlyTheListedMembersOnTheConfiguredInterface() {
    Config hz = ClusterSetup.hazelcastConfig(clustered()
      .put(ConfigKeys.CLUSTER_HOST, "10.1.2.3")
      .put(ConfigKeys.CLUSTER_PORT, 5801)
      .put(ConfigKeys.CLUSTER_PORT_COUNT, 4)
      .put(ConfigKeys.CLUSTER_NAME, "plant-vault")
      .put(ConfigKeys.CLUSTER_MEMBERS, new JsonArray().add("10.1.2.3").add("10.1.2.4")));
    assertThat(hz.getClusterName()).isEqualTo("plant-vault");
    assertThat(hz.getNetworkConfig().getPort()).isEqualTo(5801);
    assertThat(hz.getNetworkConfig().getPortCount()).isEqualTo(4);
    assertThat(hz.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("10.1.2.3");
    assertThat(hz.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(hz.getNetworkConfig().getJoin().getTcpIpConfig().getMembers()).containsExactly("10.1.2.3", "10.1.2.4");
    assertThat(hz.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
  }

  @Test
  void failureDetectionAndMergingFollowTheConfiguredTimings() {
    Config hz = ClusterSetup.hazelcastConfig(clustered()
      .put(ConfigKeys.CLUSTER_HEARTBEAT_SECONDS, 2)
      .put(ConfigKeys.CLUSTER_MEMBER_TIMEOUT_SECONDS, 12)
      .put(ConfigKeys.CLUSTER_MERGE_SECONDS, 4));
    assertThat(hz.getProperty("hazelcast.heartbeat.interval.seconds")).isEqualTo("2");
    assertThat(hz.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("12");
    assertThat(hz.getProperty("hazelcast.merge.first.run.delay.seconds")).isEqualTo("4");
    assertThat(hz.getProperty("hazelcast.merge.next.run.delay.seconds")).isEqualTo("4");
  }

  @Test
  void aMemberTimeoutThatOneLateHeartbeatWouldReachIsRefused() {
    assertThat(ClusterSetup.missingForCluster(clustered()
      .put(ConfigKeys.CLUSTER_HEARTBEAT_SECONDS, 5)
      .put(ConfigKeys.CLUSTER_MEMBER_TIMEOUT_SECONDS, 10)))
      .singleElement().asString().startsWith("clusterMemberTimeoutSeconds must be at least three times");
    assertThat(ClusterSetup.missingForCluster(clustered().put(ConfigKeys.CLUSTER_MERGE_SECONDS, 0)))
      .singleElement().asString().startsWith("clusterMergeSeconds (PDM_CLUSTER_MERGE_SECONDS) must be");
  }

  @Test
  void eachMemberCarriesItsNameAndTheDigestsOfItsSecretsNeverTheSecrets() {
    Config hz = ClusterSetup.hazelcastConfig(clustered().put(ConfigKeys.NODE_NAME, "plant-b"));
    java.util.Map<String, String> attributes = hz.getMemberAttributeConfig().getAttributes();
    assertThat(attributes).containsEntry(ClusterSetup.NODE_NAME_ATTRIBUTE, "plant-b")
      .containsEntry(SecretsCheck.JWT_DIGEST_ATTRIBUTE, SecretsCheck.digest(ConfigKeys.JWT_SECRET, "shared-token-key"))
      .containsEntry(SecretsCheck.CLUSTER_SECRET_DIGEST_ATTRIBUTE,
        SecretsCheck.digest(ConfigKeys.CLUSTER_SECRET, "shared-cluster-secret"));
    assertThat(attributes.values()).noneMatch(value -> value.contains("shared-"));
    assertThat(ClusterSetup.hazelcastConfig(clustered().put(ConfigKeys.HTTP_PORT, 8082)).getMemberAttributeConfig()
      .getAttributes()).as("the default name").containsEntry(ClusterSetup.NODE_NAME_ATTRIBUTE, "node-8082");
  }
}
