package com.ncvault.api;

import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.NodeList;
import io.vertx.core.Vertx;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other nodes a page may fail over to: the configured peerUrls, then every node in service in
 * the node registry (the URL it registered), read at start and every {@link #REFRESH_MS}. A node
 * added later is offered to the pages loaded after it registered; a decommissioned one no longer.
 * The page's policy (CSP connect-src) and the origins that may open /ws here follow the same list,
 * so a page of a node added later may also fail over to this one.
 */
final class PeerDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(PeerDirectory.class);
  static final long REFRESH_MS = 10_000;

  /** One consistent view: the URLs, their origins and the page policy built from them. */
  private record View(List<String> urls, List<OriginPolicy.Origin> origins, String policy) {

    static View of(List<String> urls) {
      return new View(List.copyOf(urls), urls.stream().map(OriginPolicy::parse).flatMap(Optional::stream).toList(),
        SecurityHeaders.policy(urls));
    }
  }

  private final List<String> configured;
  private volatile View view;

  PeerDirectory(List<String> configured) {
    this.configured = List.copyOf(configured);
    this.view = View.of(this.configured);
  }

  /** Reads the registry now and every {@link #REFRESH_MS}; until the first answer only the configured peers count. */
  void follow(Vertx vertx, StorageApi storage) {
    refresh(storage);
    vertx.setPeriodic(REFRESH_MS, id -> refresh(storage));
  }

  private void refresh(StorageApi storage) {
    storage.nodes()
      .onSuccess(this::update)
      .onFailure(e -> LOG.debug("Could not read the node registry for the peer list: {}", e.getMessage()));
  }

  /** The configured peers, then the registry's other nodes in service (a node's own entry is not a peer). */
  void update(NodeList registry) {
    Set<String> urls = new LinkedHashSet<>(configured);
    registry.nodes().stream()
      .filter(node -> !node.name().equals(registry.self()))
      .map(StorageApi.NodeState::internalUrl)
      .filter(url -> url != null && OriginPolicy.parse(url).isPresent())
      .forEach(urls::add);
    if (!List.copyOf(urls).equals(view.urls())) {
      view = View.of(List.copyOf(urls));
    }
  }

  List<String> urls() {
    return view.urls();
  }

  List<OriginPolicy.Origin> origins() {
    return view.origins();
  }

  String policy() {
    return view.policy();
  }
}
