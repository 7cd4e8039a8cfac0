package com.ncvault.node;

import com.ncvault.contract.ConfigKeys;
import com.ncvault.storage.AdminPasswordReset;
import com.ncvault.storage.StorageConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * {@code java -jar ncvault.jar [--data DIR] --reset-admin-password}: a lost admin password is set
 * anew on the stopped node's embedded database, from PDM_ADMIN_PASSWORD (the adminPassword key)
 * or a random one printed once; admin's sessions end. Refused while a node runs on that data.
 */
final class AdminPasswordCommand {

  private AdminPasswordCommand() {
  }

  /** The process exit status: 0 done, 1 refused or failed. */
  static int run(Main.CommandLine cli) {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject config = ConfigLoader.load(vertx, cli.configFile(), cli.overrides()).await();
      String configured = config.getString(ConfigKeys.ADMIN_PASSWORD, "");
      String password = configured.isEmpty() ? AdminPasswordReset.randomPassword() : configured;
      StorageConfig storage = StorageConfig.from(config);
      AdminPasswordReset.run(vertx, storage, password).await();
      // On the console only, never through the logger (logs are kept and shipped).
      System.out.println(configured.isEmpty()
        ? "NC Vault: the password of 'admin' in " + storage.dataDir() + " is now " + password
          + "  (shown only now); admin's sessions have ended"
        : "NC Vault: the password of 'admin' in " + storage.dataDir() + " is now the one in PDM_ADMIN_PASSWORD;"
          + " admin's sessions have ended");
      return 0;
    } catch (RuntimeException refused) {
      System.err.println("NC Vault: the admin password was not changed: " + refused.getMessage());
      return 1;
    } finally {
      vertx.close().await();
    }
  }
}
