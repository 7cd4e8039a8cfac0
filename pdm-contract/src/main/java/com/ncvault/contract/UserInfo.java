package com.ncvault.contract;

/**
 * A user as the API shows it; never carries the password hash. {@code id} is the account's immutable
 * id: an account created later under the same name has another.
 */
public record UserInfo(String username, String role, String createdAt, String id) {
}
