package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StorageLimits;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/** What a username, a role and a password must look like. */
public final class UserRules {

  private static final Pattern USERNAME = Pattern.compile(StorageLimits.USERNAME_PATTERN);
  static final int MIN_PASSWORD = StorageLimits.MIN_PASSWORD;

  public static void requireUsername(String username) {
    if (username != null && StorageLimits.RESERVED_USERNAMES.contains(username.toLowerCase(Locale.ROOT))) {
      throw new PdmError(ErrorCode.VALIDATION, "The name " + username.toLowerCase(Locale.ROOT)
        + " is reserved: the server uses it for its own entries in the history", new JsonObject().put("field", "username"));
    }
    if (username == null || !USERNAME.matcher(username).matches()) {
      throw new PdmError(ErrorCode.VALIDATION,
        "A username is 1 to 32 characters: lower-case letters, digits, '_', '.' or '-'");
    }
  }

  public static void requireRole(String role) {
    if (role == null || !Roles.ALL.contains(role)) {
      throw new PdmError(ErrorCode.VALIDATION, "The role is one of " + String.join(", ", Roles.ALL));
    }
  }

  public static void requirePassword(String password) {
    if (password == null || password.length() < MIN_PASSWORD) {
      throw new PdmError(ErrorCode.VALIDATION, "A password has at least " + MIN_PASSWORD + " characters");
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > Passwords.MAX_BYTES) {
      throw new PdmError(ErrorCode.VALIDATION, "A password has at most " + Passwords.MAX_BYTES + " bytes");
    }
  }

  private UserRules() {
  }
}
