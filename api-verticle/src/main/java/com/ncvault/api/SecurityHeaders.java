package com.ncvault.api;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Headers every response carries, static files and errors included. */
final class SecurityHeaders {

  /** The policy of a node without peers: the page talks to its own origin only. */
  static final String CONTENT_SECURITY_POLICY = policy(List.of());

  private final PeerDirectory peers;

  /** {@code peers}: the other nodes of the cluster, whose /ws the page may use when its own node is down. */
  SecurityHeaders(PeerDirectory peers) {
    this.peers = peers;
  }

  static String policy(List<String> peerUrls) {
    String peers = peerUrls.stream().map(OriginPolicy::parse).flatMap(Optional::stream)
      .map(origin -> (origin.scheme().equals("https") ? "wss://" : "ws://") + origin.host() + ":" + origin.port())
      .distinct()
      .map(origin -> " " + origin)
      .collect(Collectors.joining());
    return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'" + peers
      + "; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
  }

  void handle(RoutingContext ctx) {
    String path = ctx.request().path();
    apply(ctx.response().headers(), path == null || !isPage(path));
    ctx.next();
  }

  void apply(MultiMap headers, boolean noStore) {
    headers
      .set("Content-Security-Policy", peers.policy())
      .set("X-Content-Type-Options", "nosniff")
      .set("Referrer-Policy", "no-referrer")
      .set("X-Frame-Options", "DENY");
    if (noStore) {
      headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
    }
  }

  /** Static UI files may be cached; API answers, health and metrics never. */
  private static boolean isPage(String path) {
    return !(path.equals("/api") || path.startsWith("/api/") || path.equals("/health") || path.equals("/metrics"));
  }
}
