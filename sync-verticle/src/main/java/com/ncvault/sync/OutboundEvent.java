package com.ncvault.sync;

import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.EventTypes;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.Function;

/**
 * One domain event encoded once per node: the proto-2 frames and the one proto-3 frame, ready to be
 * written as they are to every socket. {@code adminOnly}: only admins' sockets receive its frames
 * (user administration). {@code roleChange}: the account and the role the event gives it, or null.
 */
record OutboundEvent(long seq, Frame[] frames, Frame single, boolean changesFiles, boolean adminOnly,
                     RoleChange roleChange) {

  /** {@code username} has the role {@code role} from this event on. */
  record RoleChange(String username, String role) {
  }

  /** Encodes an event the node delivers: its frames are written to many sockets. */
  static OutboundEvent encode(DomainEvent event) {
    return encode(event, Frame::shared);
  }

  /** Encodes an event replayed to one socket only. */
  static OutboundEvent encodeForOne(DomainEvent event) {
    return encode(event, Frame::text);
  }

  private static OutboundEvent encode(DomainEvent event, Function<String, Frame> encoder) {
    List<JsonObject> messages = EventMessages.of(event);
    Frame[] frames = new Frame[messages.size()];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = encoder.apply(messages.get(i).encode());
    }
    Frame single = encoder.apply(EventMessages.single(event).encode());
    return new OutboundEvent(event.seq(), frames, single, EventMessages.changesFiles(event),
      EventMessages.adminOnly(event), roleChange(event));
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
