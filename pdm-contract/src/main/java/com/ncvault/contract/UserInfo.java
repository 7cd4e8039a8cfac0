package com.ncvault.contract;

/** A user as the API shows it; never carries the password hash. */
public record UserInfo(String username, String role, String createdAt) {
}
