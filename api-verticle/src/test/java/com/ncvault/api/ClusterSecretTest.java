package com.ncvault.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import org.junit.jupiter.api.Test;

/** Who may call the node-to-node routes. */
class ClusterSecretTest {

  private final ClusterSecret secret = ClusterSecret.of("plants-share-this");

  @Test
  void theSharedSecretPasses() {
    assertThat(secret.refusal("plants-share-this")).isEmpty();
  }

  @Test
  void aMissingSecretIsUnauthenticatedAndAWrongOneForbidden() {
    assertThat(secret.refusal(null).map(PdmError::code)).contains(ErrorCode.UNAUTHENTICATED);
    assertThat(secret.refusal("").map(PdmError::code)).contains(ErrorCode.UNAUTHENTICATED);
    assertThat(secret.refusal("plants-share-thi").map(PdmError::code)).contains(ErrorCode.FORBIDDEN);
    assertThat(secret.refusal("plants-share-this ").map(PdmError::code)).contains(ErrorCode.FORBIDDEN);
  }

  @Test
  void aNodeWithoutASecretRefusesEveryCallEvenAnEmptySecret() {
    ClusterSecret none = ClusterSecret.of("");
    assertThat(none.configured()).isFalse();
    assertThat(none.refusal("").map(PdmError::code)).contains(ErrorCode.FORBIDDEN);
    assertThat(none.refusal("anything").map(PdmError::code)).contains(ErrorCode.FORBIDDEN);
  }

  @Test
  void theSecretNeverAppearsInARefusal() {
    assertThat(secret.refusal("guess").orElseThrow().toHttpBody().encode()).doesNotContain("plants-share-this");
  }
}
