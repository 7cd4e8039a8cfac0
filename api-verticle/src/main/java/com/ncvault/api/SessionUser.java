package com.ncvault.api;

/**
 * The authenticated caller of one request, with the role storage knows now (not the one in the
 * token) and where the token came from: a cookie needs CSRF protection, a header or query does not.
 */
record SessionUser(String username, String role, Source source) {

  enum Source { BEARER, COOKIE, QUERY }

  static final String CONTEXT_KEY = "pdm.user";

  boolean viaCookie() {
    return source == Source.COOKIE;
  }
}
