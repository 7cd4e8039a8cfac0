package com.ncvault.sync;

import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.EventTypes;
import com.ncvault.contract.Notification;
import com.ncvault.contract.WsMessageTypes;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * One domain event encoded once per node: the proto-2 frames and the one proto-3 frame, ready to be
 * written as they are to every socket. {@code freeNotice} is the NOTIFY for watchers when the event
 * frees a file. {@code adminOnly}: only admins' sockets receive its frames (user administration).
 * {@code roleChange}: the account and the role the event gives it, or null.
 */
record OutboundEvent(long seq, Frame[] frames, Frame single, boolean changesFiles, String freedFile,
                     Frame freeNotice, boolean adminOnly, RoleChange roleChange) {

  /** {@code username} has the role {@code role} from this event on. */
  record RoleChange(String username, String role) {
  }

  static OutboundEvent encode(DomainEvent event) {
    List<JsonObject> messages = EventMessages.of(event);
    Frame[] frames = new Frame[messages.size()];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = Frame.text(messages.get(i).encode());
    }
    Frame single = Frame.text(EventMessages.single(event).encode());
    String freed = EventMessages.freedFile(event);
    Frame notice = null;
    if (freed != null) {
      notice = Frame.text(Messages.notify(new Notification(null, event.user(), WsMessageTypes.NOTIFY_FREE, freed,
        freed + ", which you watch, is free now", event.timestamp())));
    }
    return new OutboundEvent(event.seq(), frames, single, EventMessages.changesFiles(event), freed, notice,
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
