package com.ncvault.sync;

import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.Notification;
import com.ncvault.contract.WsMessageTypes;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * One domain event encoded once per node: the text of each proto-2 frame, ready to be written
 * as is to every socket. {@code freeNotice} is the NOTIFY for watchers when the event frees a file.
 */
record OutboundEvent(long seq, String[] frames, boolean changesFiles, String freedFile, String freeNotice) {

  static OutboundEvent encode(DomainEvent event) {
    List<JsonObject> messages = EventMessages.of(event);
    String[] frames = new String[messages.size()];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = messages.get(i).encode();
    }
    String freed = EventMessages.freedFile(event);
    String notice = null;
    if (freed != null) {
      notice = Messages.notify(new Notification(null, event.user(), WsMessageTypes.NOTIFY_FREE, freed,
        freed + ", which you watch, is free now", event.timestamp()));
    }
    return new OutboundEvent(event.seq(), frames, EventMessages.changesFiles(event), freed, notice);
  }
}
