package com.ncvault.contract;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The lifecycle of a file: its states and the transitions between them, each with the least role
 * that may make it and whether it needs a comment. The transitions are configuration
 * ({@link ConfigKeys#LIFECYCLE_TRANSITIONS}); storage enforces them, the page offers them. Moving a
 * file to {@link #RELEASED} is always an electronic signature (the signer's password, checked again).
 */
public final class Lifecycle {

  /** Being worked on; a new file and every check-in start here. */
  public static final String DRAFT = "draft";
  /** Waiting for an approver. */
  public static final String REVIEW = "review";
  /** Signed off: its revision is the one machines get. */
  public static final String RELEASED = "released";
  /** No longer to be used; no revision is released. */
  public static final String OBSOLETE = "obsolete";
  /** Any state (other than the target) in a configured transition's {@code from}. */
  public static final String ANY = "*";

  public static final List<String> STATES = List.of(DRAFT, REVIEW, RELEASED, OBSOLETE);

  /**
   * The default, for a small shop: a programmer sends a draft to review with a comment; an approver
   * (admins are approvers too) releases it or sends it back to draft with a comment; an admin makes any
   * file obsolete and brings an obsolete one back to draft.
   */
  public static final JsonArray DEFAULT_TRANSITIONS = new JsonArray()
    .add(rule(DRAFT, REVIEW, Roles.PROGRAMMER, true))
    .add(rule(REVIEW, RELEASED, Roles.APPROVER, false))
    .add(rule(REVIEW, DRAFT, Roles.APPROVER, true))
    .add(rule(ANY, OBSOLETE, Roles.ADMIN, false))
    .add(rule(OBSOLETE, DRAFT, Roles.ADMIN, false));

  /** One allowed transition. */
  public record Rule(String from, String to, String role, boolean comment) {

    /** True when the transition is an electronic signature (a release). */
    public boolean signature() {
      return RELEASED.equals(to);
    }

    public JsonObject toJson() {
      return new JsonObject().put("from", from).put("to", to).put("role", role).put("comment", comment)
        .put("signature", signature());
    }
  }

  private final List<Rule> rules;

  private Lifecycle(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  public static Lifecycle defaults() {
    return parse(DEFAULT_TRANSITIONS);
  }

  /**
   * The transitions of a configuration value: a JSON array (or its text), each {from, to, role,
   * comment}; {@code from} "*" stands for every state but {@code to}. IllegalArgumentException naming
   * the key for anything else.
   */
  public static Lifecycle parse(Object value) {
    JsonArray array;
    try {
      array = value instanceof JsonArray a ? a
        : value instanceof List<?> list ? new JsonArray(new ArrayList<>(list))
        : new JsonArray(String.valueOf(value));
    } catch (DecodeException | ClassCastException e) {
      throw invalid("must be a JSON array of {from, to, role, comment}");
    }
    List<Rule> rules = new ArrayList<>();
    for (Object entry : array) {
      JsonObject t = entry instanceof JsonObject o ? o : entry instanceof java.util.Map<?, ?> m
        ? new JsonObject(castMap(m)) : null;
      if (t == null) {
        throw invalid("must be a JSON array of {from, to, role, comment}");
      }
      String from = String.valueOf(t.getValue("from"));
      String to = String.valueOf(t.getValue("to"));
      String role = String.valueOf(t.getValue("role", Roles.ADMIN));
      Object comment = t.getValue("comment", false);
      if (!STATES.contains(to) || !(STATES.contains(from) || ANY.equals(from))) {
        throw invalid("names a state other than " + String.join(", ", STATES) + " (or * as from): " + t.encode());
      }
      if (!Roles.ALL.contains(role)) {
        throw invalid("names a role other than " + String.join(", ", Roles.ALL) + ": " + t.encode());
      }
      if (!(comment instanceof Boolean)) {
        throw invalid("comment must be true or false: " + t.encode());
      }
      for (String state : ANY.equals(from) ? STATES : List.of(from)) {
        if (!state.equals(to)) {
          rules.add(new Rule(state, to, role, (Boolean) comment));
        }
      }
    }
    return new Lifecycle(rules);
  }

  @SuppressWarnings("unchecked")
  private static java.util.Map<String, Object> castMap(java.util.Map<?, ?> map) {
    return (java.util.Map<String, Object>) map;
  }

  /** The transition from one state to another, when there is one (the first configured wins). */
  public Optional<Rule> rule(String from, String to) {
    return rules.stream().filter(r -> r.from().equals(from) && r.to().equals(to)).findFirst();
  }

  /** The states a file in {@code from} may move to. */
  public List<String> targets(String from) {
    return rules.stream().filter(r -> r.from().equals(from)).map(Rule::to).distinct().toList();
  }

  public List<Rule> rules() {
    return rules;
  }

  /** The rules as JSON (each with its own from; for the page's settings). */
  public JsonArray toJson() {
    JsonArray array = new JsonArray();
    rules.forEach(r -> array.add(r.toJson()));
    return array;
  }

  private static JsonObject rule(String from, String to, String role, boolean comment) {
    return new JsonObject().put("from", from).put("to", to).put("role", role).put("comment", comment);
  }

  private static IllegalArgumentException invalid(String message) {
    return new IllegalArgumentException(ConfigKeys.LIFECYCLE_TRANSITIONS + " " + message);
  }
}
