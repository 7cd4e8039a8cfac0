package com.ncvault.auth;

import java.time.Instant;

/**
 * A login session a token opens, as {@link SessionVerifier} found it now: whose it is (the account's
 * name and immutable id), the role storage knows now (not the one in the token), when the session
 * began and when it ends, and whether the token only opens /ws (a live token).
 */
public record Session(String username, String accountId, String role, long sessionStartMs, Instant expiresAt,
                      boolean liveOnly) {
}
