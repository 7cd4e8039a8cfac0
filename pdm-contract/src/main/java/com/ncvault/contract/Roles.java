package com.ncvault.contract;

import java.util.List;

/** User roles, each including the rights of the one before it. */
public final class Roles {
  /** List, history, download, diff. */
  public static final String VIEWER = "viewer";
  /** Viewer rights plus new file, checkout, check-in, cancel own checkout. */
  public static final String PROGRAMMER = "programmer";
  /**
   * Programmer rights plus the approver permission: may release a file under review or send it back
   * to draft (see {@link Lifecycle}).
   */
  public static final String APPROVER = "approver";
  /** Approver rights plus override, delete, restore, users, messages. */
  public static final String ADMIN = "admin";

  public static final List<String> ALL = List.of(VIEWER, PROGRAMMER, APPROVER, ADMIN);

  /** True when {@code role} has at least the rights of {@code required}. */
  public static boolean atLeast(String role, String required) {
    return ALL.indexOf(role) >= ALL.indexOf(required) && ALL.contains(role);
  }

  private Roles() {
  }
}
