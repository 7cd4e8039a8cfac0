package com.ncvault.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ncvault.machine.MachineFolders;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransportSpecsTest {
  private static final byte[] KEY = new byte[32];
  private final TransportSpecs specs = new TransportSpecs(MachineFolders.of(List.of("/srv/cnc")), NodeKey.of(KEY));

  @Test
  void a_stored_ftp_password_is_sealed_for_its_machine_and_opens_only_with_the_same_key_and_name() {
    JsonObject stored = specs.toStored("mill", new JsonObject().put("kind", "ftp").put("host", "cnc-1")
      .put("password", "spindle-secret"), null);

    assertThat(stored.encode()).doesNotContain("spindle-secret");
    assertThat(stored.getInteger("port")).isEqualTo(21);
    assertThat(specs.revealed("mill", stored).getString("password")).isEqualTo("spindle-secret");
    assertThatThrownBy(() -> specs.revealed("lathe", stored)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageNotContaining("spindle");
    byte[] other = new byte[32];
    other[0] = 1;
    assertThatThrownBy(() -> new TransportSpecs(MachineFolders.of(List.of()), NodeKey.of(other)).revealed("mill", stored))
      .isInstanceOf(IllegalArgumentException.class);
    assertThat(TransportSpecs.shown(stored).encode()).doesNotContain("password\"").contains("\"passwordSet\":true");
  }

  @Test
  void the_same_password_seals_differently_each_time() {
    JsonObject given = new JsonObject().put("kind", "ftp").put("host", "cnc-1").put("password", "x");
    assertThat(specs.toStored("m", given, null).getString("passwordSealed"))
      .isNotEqualTo(specs.toStored("m", given, null).getString("passwordSealed"));
  }

  @Test
  void tcp_needs_a_port_and_a_sane_pacing() {
    assertThatThrownBy(() -> specs.toStored("m", new JsonObject().put("kind", "tcp").put("host", "h"), null))
      .hasMessageContaining("transport.port");
    assertThatThrownBy(() -> specs.toStored("m", new JsonObject().put("kind", "tcp").put("host", "h").put("port", 23)
      .put("bytesPerSecond", -1), null)).hasMessageContaining("bytesPerSecond");
    assertThatThrownBy(() -> specs.toStored("m", new JsonObject().put("kind", "tcp").put("host", "a b").put("port", 23),
      null)).hasMessageContaining("transport.host");
    assertThat(specs.toStored("m", new JsonObject().put("kind", "tcp").put("host", "10.1.1.9").put("port", 4001), null)
      .getInteger("bytesPerSecond")).isEqualTo(960);
  }
}
