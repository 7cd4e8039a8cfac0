package com.ncvault.api;

/**
 * A user as the api checks each request against: the current role, and since when the account's
 * sessions are good (epoch ms; a token issued before that, say before a password reset, is refused).
 */
record Account(String username, String role, long sessionsSince) {
}
