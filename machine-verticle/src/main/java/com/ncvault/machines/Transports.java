package com.ncvault.machines;

import com.ncvault.machine.FolderTransport;
import com.ncvault.machine.FtpTransport;
import com.ncvault.machine.Inbox;
import com.ncvault.machine.MachineFolders;
import com.ncvault.machine.TcpTransport;
import com.ncvault.machine.Transport;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Builds the machine-link transports from a machine's transport JSON (as storage keeps it, password opened). */
final class Transports {
  private final MachineFolders roots;

  Transports(List<String> roots) {
    this.roots = MachineFolders.of(roots);
  }

  Transport sender(JsonObject t) {
    return switch (t.getString("kind", "")) {
      case "folder" -> new FolderTransport(roots, t.getString("path"), t.getString("inboxPath"));
      case "ftp" -> new FtpTransport(ftp(t));
      case "tcp" -> new TcpTransport(new TcpTransport.Settings(t.getString("host"), t.getInteger("port", 0),
        t.getInteger("bytesPerSecond", 0), null));
      default -> throw new IllegalArgumentException("unknown transport kind " + t.getString("kind"));
    };
  }

  /** The inbox to poll, or null when the machine has none (a TCP machine receives on its port). */
  Inbox inbox(JsonObject t) {
    return switch (t.getString("kind", "")) {
      case "folder" -> t.getString("inboxPath") == null ? null
        : new FolderTransport(roots, t.getString("path"), t.getString("inboxPath"));
      case "ftp" -> t.getString("inboxDirectory") == null ? null : new FtpTransport(ftp(t));
      default -> null;
    };
  }

  private static FtpTransport.Settings ftp(JsonObject t) {
    return new FtpTransport.Settings(t.getString("host"), t.getInteger("port", 21), t.getString("user"),
      t.getString("password"), t.getString("directory"), t.getString("inboxDirectory"), null, null);
  }
}
