package com.ncvault.contract;

/** Where the content of one revision lies on this node, for streaming it to a client. */
public record BlobLocation(String filename, String revision, String path, long size, String sha256) {
}
