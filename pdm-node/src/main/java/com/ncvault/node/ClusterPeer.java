package com.ncvault.node;

import com.hazelcast.cluster.Member;
import java.util.Map;

/**
 * A cluster member as the node sees it: its name and its attributes. Vault nodes carry their
 * nodeName and the digests of their secrets; a program that joined the cluster without being a
 * node carries neither and is named by its address.
 */
record ClusterPeer(String name, Map<String, String> attributes) {

  static ClusterPeer of(Member member) {
    Map<String, String> attributes = member.getAttributes() == null ? Map.of() : Map.copyOf(member.getAttributes());
    String name = attributes.get(ClusterSetup.NODE_NAME_ATTRIBUTE);
    return new ClusterPeer(name == null || name.isBlank() ? member.getAddress().toString() : name, attributes);
  }

  boolean isNode() {
    String name = attributes.get(ClusterSetup.NODE_NAME_ATTRIBUTE);
    return name != null && !name.isBlank();
  }
}
