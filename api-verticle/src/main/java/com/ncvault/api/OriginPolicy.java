package com.ncvault.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Which pages may open /ws: the node's own origin (the scheme and Host of the upgrade request),
 * the configured extra origins and the other nodes of the cluster as the node registry lists them
 * now. Compared as scheme, host and port, with default ports filled in.
 */
final class OriginPolicy {

  record Origin(String scheme, String host, int port) {
  }

  /** Parsed origins and hosts, so that a connect does not parse the same two URIs again; cleared when full. */
  static final int MAX_PARSED = 1024;
  /** Longer texts are parsed each time, so that the cache holds at most about 256 KiB of keys. */
  static final int MAX_PARSED_LENGTH = 256;

  private final List<Origin> extra;
  private final Supplier<List<Origin>> peers;
  private final Map<String, Optional<Origin>> parsed = new ConcurrentHashMap<>();

  OriginPolicy(List<String> extraOrigins) {
    this(extraOrigins, List::of);
  }

  OriginPolicy(List<String> extraOrigins, Supplier<List<Origin>> peers) {
    this.extra = extraOrigins.stream().map(OriginPolicy::parse).flatMap(Optional::stream).toList();
    this.peers = peers;
  }

  boolean allows(String origin, String requestScheme, String hostHeader) {
    Optional<Origin> candidate = parsed(origin);
    if (candidate.isEmpty()) {
      return false;
    }
    if (hostHeader != null && candidate.equals(parsed(requestScheme + "://" + hostHeader))) {
      return true;
    }
    return extra.contains(candidate.get()) || peers.get().contains(candidate.get());
  }

  /** How many parsed origins and hosts are kept now. */
  int parsedCount() {
    return parsed.size();
  }

  private Optional<Origin> parsed(String text) {
    if (text == null) {
      return Optional.empty();
    }
    if (text.length() > MAX_PARSED_LENGTH) {
      return parse(text);
    }
    Optional<Origin> known = parsed.get(text);
    if (known == null) {
      if (parsed.size() >= MAX_PARSED) {
        parsed.clear();
      }
      known = parse(text);
      parsed.put(text, known);
    }
    return known;
  }

  static Optional<Origin> parse(String text) {
    if (text == null || text.isBlank() || text.equals("null")) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(text.trim());
      String scheme = Objects.requireNonNullElse(uri.getScheme(), "").toLowerCase(Locale.ROOT);
      String host = uri.getHost();
      int defaultPort = switch (scheme) {
        case "http", "ws" -> 80;
        case "https", "wss" -> 443;
        default -> -1;
      };
      if (host == null || defaultPort < 0) {
        return Optional.empty();
      }
      String httpScheme = scheme.equals("ws") ? "http" : scheme.equals("wss") ? "https" : scheme;
      return Optional.of(new Origin(httpScheme, host.toLowerCase(Locale.ROOT), uri.getPort() < 0 ? defaultPort : uri.getPort()));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }
}
