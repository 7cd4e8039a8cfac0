package com.ncvault.contract;

/**
 * Content the api-verticle has streamed to a temporary file under {@code <dataDir>/incoming}
 * while computing its SHA-256. The storage-verticle makes it durable (fsync), moves it into the
 * blob store by atomic rename (or drops it when the blob already exists), then commits metadata.
 * The temporary file is always consumed or deleted by storage.
 */
public record StagedUpload(String path, long size, String sha256) {
}
