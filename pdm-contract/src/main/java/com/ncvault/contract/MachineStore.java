package com.ncvault.contract;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The machines of the vault as the storage-verticle keeps them (the only writer of SQL): the
 * registry of machines and their transports, which file may go to which machine, the transfer log
 * and the import queue. Reached through {@link MachineBinding} on {@link Addresses#MACHINE_STORE}
 * (local to the node). Failures are {@link PdmError}s. Every change appends a domain event
 * ({@link EventTypes}) with its seq; no event and no reply but {@link #startTransfer} and
 * {@link #targets} carries a transport's password, and those two only on this node's bus.
 *
 * <p>A transport is JSON: {@code {kind: "folder", path, inboxPath?}},
 * {@code {kind: "ftp", host, port?, user?, password?, directory?, inboxDirectory?}} or
 * {@code {kind: "tcp", host, port, bytesPerSecond?, receivePort?}}; docs/machines.md.
 */
public interface MachineStore {

  /** Every machine, by name; transports without passwords ({@code passwordSet} says whether one is kept). */
  Future<List<Machine>> listMachines();

  /** Admin: 400 for a bad name, unknown kind, folder outside the roots, bad port; 409 already_exists. */
  Future<Machine> createMachine(MachineChange request);

  /**
   * Admin: changes group, controller and transport (fields left null are kept; an FTP password left
   * out of a changed transport is kept). 404 unknown machine.
   */
  Future<Machine> updateMachine(MachineChange request);

  /** Admin: 404 unknown; the machine's assignments go with it, its transfer log stays. */
  Future<Void> deleteMachine(MachineAction request);

  /** Which machines a file may be sent to, replacing the former list. 404 unknown file or machine. */
  Future<FileMachines> assignMachines(Assignment request);

  /** The machines a file is assigned to. */
  Future<FileMachines> fileMachines(String filename);

  /** The newest transfers first. */
  Future<List<TransferRecord>> listTransfers(TransferQuery query);

  /** The import queue, newest first: pending programs, then the decided ones. */
  Future<List<ImportItem>> importQueue(ImportQuery query);

  /** One program of the import queue with its content (for the compare view and the decision). */
  Future<ImportContent> importContent(String id);

  /**
   * The program compared with the current revision of its file (or {@code filename}'s, for one that
   * matched none) as a unified diff, {@code to} being "machine". 400 without a file to compare with;
   * 415 for binary content; 422 too_complex over the diff budget.
   */
  Future<StorageApi.Diff> importDiff(ImportCompare query);

  /**
   * Records a transfer as started and returns what the sender needs: the revision to send and the
   * transport with its password. 404 unknown machine or file; 409 not_assigned.
   */
  Future<TransferJob> startTransfer(SendRequest request);

  /** An attempt of a running transfer begins (progress for everyone watching). */
  Future<Void> transferAttempt(TransferAttempt attempt);

  /** How a transfer ended; 404 unknown transfer, 409 when it has ended already. */
  Future<TransferRecord> finishTransfer(TransferOutcome outcome);

  /**
   * Ends the transfers {@code node} left running when it stopped: failed, with that reason. A
   * node's machine-verticle asks at its start; the answer is how many there were.
   */
  Future<Integer> abandonTransfers(String node);

  /** A program came back from a machine: it joins the import queue. */
  Future<ImportItem> receiveImport(ImportArrival arrival);

  /**
   * Admin: rejects a pending import, or accepts it as a new revision of its file (through the normal
   * check-in; 409 file_locked when someone else holds the file). 404 unknown, 409 when decided.
   */
  Future<ImportItem> decideImport(ImportDecision decision);

  /** Every machine with its transport and password, for this node's senders and receivers only. */
  Future<List<MachineTarget>> targets();

  // --- records ---

  /** {@code node}: the node that sends to it and receives from it; empty for any node. */
  record Machine(String name, String group, String controller, String node, JsonObject transport, String createdAt,
                 String updatedAt) {
  }

  /** A field left null on update keeps its value ({@code node} "" means any node). */
  record MachineChange(String name, String group, String controller, String node, JsonObject transport, String actor) {
    @Override
    public String toString() {
      return "MachineChange[" + name + "]";
    }
  }

  record MachineAction(String name, String actor) {
  }

  record Assignment(String filename, List<String> machines, String actor) {
  }

  record FileMachines(String filename, List<String> machines) {
  }

  record TransferQuery(int limit, String machine, String filename) {
  }

  /** {@code status}: running, succeeded or failed. */
  record TransferRecord(String id, String machine, String filename, String revision, String sha256, String user,
                        String node, String status, int attempts, long bytes, boolean verified, String startedAt,
                        String finishedAt, String reason) {
  }

  record SendRequest(String machine, String filename, String user, String node) {
  }

  /** The transfer as recorded and the transport with its password: never logged, never answered to a client. */
  record TransferJob(TransferRecord transfer, JsonObject transport) {
    @Override
    public String toString() {
      return "TransferJob[" + transfer.id() + "]";
    }
  }

  record TransferAttempt(String id, int attempt, String lastFailure) {
  }

  record TransferOutcome(String id, boolean succeeded, long bytes, String sha256, boolean verified, int attempts,
                         String reason) {
  }

  record ImportQuery(int limit, boolean pendingOnly) {
  }

  /**
   * @param name     the name it came under, or null (TCP)
   * @param filename the vault file it was matched to, or null
   * @param status   pending, accepted or rejected
   * @param revision the revision accepting it made
   */
  record ImportItem(String id, String machine, String receivedAt, String name, String filename, long size,
                    String sha256, String status, String decidedBy, String decidedAt, String message,
                    String revision) {
  }

  record ImportContent(ImportItem item, byte[] content) {
  }

  /** {@code matchedFilename}: the vault file found for it, or null. */
  record ImportArrival(String machine, String name, byte[] content, String matchedFilename) {
    @Override
    public String toString() {
      return "ImportArrival[" + machine + ", " + name + ", " + (content == null ? 0 : content.length) + " bytes]";
    }
  }

  /** {@code filename} chooses the file for an import that matched none (or another one). */
  record ImportDecision(String id, boolean accept, String message, String filename, String actor) {
  }

  record ImportCompare(String id, String filename) {
  }

  /** {@code node}: the node that receives from it; empty for every node. */
  record MachineTarget(String name, String node, JsonObject transport) {
    @Override
    public String toString() {
      return "MachineTarget[" + name + "]";
    }
  }
}
