package com.ncvault.api;

import com.ncvault.auth.Session;
import java.time.Instant;

/**
 * The authenticated caller of one request: the session its token opens (see {@link Session}: the
 * account's name and id, the role storage knows now, when the session began, when it ends) and
 * where the token came from (a cookie needs CSRF protection, a header or query does not).
 */
record SessionUser(Session session, Source source) {

  enum Source { BEARER, COOKIE, QUERY }

  static final String CONTEXT_KEY = "pdm.user";

  String username() {
    return session.username();
  }

  String role() {
    return session.role();
  }

  Instant expiresAt() {
    return session.expiresAt();
  }

  boolean viaCookie() {
    return source == Source.COOKIE;
  }
}
