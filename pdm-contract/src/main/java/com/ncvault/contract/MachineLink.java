package com.ncvault.contract;

import io.vertx.core.Future;

/**
 * What the machine-verticle of a node offers on {@link Addresses#MACHINE_LINK} (local): starting a
 * transfer. The reply comes as soon as the transfer is recorded; the sending runs on a worker and
 * its progress and result arrive as domain events.
 */
public interface MachineLink {

  /** 404 unknown machine or file; 409 not_assigned; otherwise the running transfer. */
  Future<MachineStore.TransferRecord> send(MachineStore.SendRequest request);
}
