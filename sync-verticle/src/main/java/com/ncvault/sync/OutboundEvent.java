package com.ncvault.sync;

import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.EventTypes;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * One domain event encoded once per node: the text of each proto-2 frame, ready to be written
 * as is to every socket.
 * {@code adminOnly}: only admins' sockets receive its frames (user administration).
 * {@code roleChange}: the account and the role the event gives it, or null.
 */
record OutboundEvent(long seq, String[] frames, boolean changesFiles, boolean adminOnly, RoleChange roleChange) {

  /** {@code username} has the role {@code role} from this event on. */
  record RoleChange(String username, String role) {
  }

  static OutboundEvent encode(DomainEvent event) {
    List<JsonObject> messages = EventMessages.of(event);
    String[] frames = new String[messages.size()];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = messages.get(i).encode();
    }
    return new OutboundEvent(event.seq(), frames, EventMessages.changesFiles(event), EventMessages.adminOnly(event),
      roleChange(event));
  }

  private static RoleChange roleChange(DomainEvent event) {
    if (!EventTypes.USER_CHANGED.equals(event.type()) || event.details() == null) {
      return null;
    }
    String username = event.details().getString("username");
    String role = event.details().getString("role");
    return username == null || role == null ? null : new RoleChange(username, role);
  }
}
