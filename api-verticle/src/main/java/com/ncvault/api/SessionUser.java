package com.ncvault.api;

import java.time.Instant;

/**
 * The authenticated caller of one request (the account's name and immutable id), with the role storage knows now (not the one in the
 * token), where the token came from (a cookie needs CSRF protection, a header or query does not),
 * when the session began (a live token carries it on) and when it ends (a live connection is
 * closed then).
 */
record SessionUser(String username, String accountId, String role, Source source, long sessionStartMs,
                   Instant expiresAt) {

  enum Source { BEARER, COOKIE, QUERY }

  static final String CONTEXT_KEY = "pdm.user";

  boolean viaCookie() {
    return source == Source.COOKIE;
  }
}
