package com.ncvault.node;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
class ConfigLoaderTest {

  @Test
  void environmentVariableNamesFollowTheKeys() {
    assertThat(ConfigKeys.envName("httpPort")).isEqualTo("PDM_HTTP_PORT");
    assertThat(ConfigKeys.envName("loginMaxFailuresPerMinute")).isEqualTo("PDM_LOGIN_MAX_FAILURES_PER_MINUTE");
    assertThat(ConfigKeys.envName("demo")).isEqualTo("PDM_DEMO");
  }

  @Test
  void environmentValuesOverrideTheFileAndTakeTheDefaultsType() {
    JsonObject merged = ConfigKeys.defaults()
      .put(ConfigKeys.HTTP_PORT, 9000)
      .put("PDM_HTTP_PORT", "9100")
      .put("PDM_DEMO", "true")
      .put("PDM_MAX_UPLOAD_BYTES", "1048576")
      .put("PDM_ALLOWED_EXTENSIONS", ".nc, .tap")
      .put("PATH", "/usr/bin");

    JsonObject config = ConfigLoader.fromEnvironmentNames(merged);

    assertThat(config.getInteger(ConfigKeys.HTTP_PORT)).isEqualTo(9100);
    assertThat(config.getBoolean(ConfigKeys.DEMO)).isTrue();
    assertThat(config.getLong(ConfigKeys.MAX_UPLOAD_BYTES)).isEqualTo(1048576L);
    assertThat(config.getJsonArray(ConfigKeys.ALLOWED_EXTENSIONS)).isEqualTo(new JsonArray().add(".nc").add(".tap"));
    assertThat(config.containsKey("PATH")).as("unrelated environment stays out").isFalse();
  }

  @Test
  void aMalformedEnvironmentValueIsAClearError() {
    JsonObject merged = ConfigKeys.defaults().put("PDM_HTTP_PORT", "eighty");
    assertThatThrownBy(() -> ConfigLoader.fromEnvironmentNames(merged))
      .hasMessageContaining("PDM_HTTP_PORT");
  }

  @Test
  void theFileOverridesDefaultsAndTheCommandLineOverridesTheFile(Vertx vertx, VertxTestContext ctx,
                                                                  @TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, new JsonObject().put(ConfigKeys.HTTP_PORT, 9001)
      .put(ConfigKeys.STALE_LOCK_SECONDS, 60).encode());

    ConfigLoader.load(vertx, file.toString(), new JsonObject().put(ConfigKeys.HTTP_PORT, 9002))
      .onComplete(ctx.succeeding(config -> ctx.verify(() -> {
        assertThat(config.getInteger(ConfigKeys.HTTP_PORT)).isEqualTo(9002);
        assertThat(config.getInteger(ConfigKeys.STALE_LOCK_SECONDS)).isEqualTo(60);
        assertThat(config.getString(ConfigKeys.DB_KIND)).isEqualTo("h2");
        ctx.completeNow();
      })));
  }

  @Test
  void aMissingExplicitConfigFileFailsTheStart(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    ConfigLoader.load(vertx, dir.resolve("absent.json").toString(), new JsonObject())
      .onComplete(ctx.failing(e -> ctx.completeNow()));
  }

  @Test
  void theCommandLineRejectsUnknownOptionsAndBadPorts() {
    assertThat(Main.CommandLine.parse(new String[]{"--port", "8081", "--demo"}).overrides())
      .isEqualTo(new JsonObject().put(ConfigKeys.HTTP_PORT, 8081).put(ConfigKeys.DEMO, true));
    assertThatThrownBy(() -> Main.CommandLine.parse(new String[]{"--port", "99999"}))
      .hasMessageContaining("1 to 65535");
    assertThatThrownBy(() -> Main.CommandLine.parse(new String[]{"--bogus"}))
      .hasMessageContaining("Unknown option");
  }

  @Test
  void theSigningKeyIsGeneratedOnceAndKeptInTheDataDirectory(@TempDir Path dir) throws Exception {
    String first = Secrets.signingKey("", dir);
    String second = Secrets.signingKey("", dir);
    assertThat(first).hasSizeGreaterThan(40).isEqualTo(second);
    assertThat(Secrets.signingKey("configured-key", dir)).isEqualTo("configured-key");
    // a set: its printed order changes from run to run
    assertThat(Files.getPosixFilePermissions(dir.resolve(Secrets.KEY_FILE)))
      .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }
}
