package com.ncvault.sync;

/** A FILE_LIST_UPDATED message encoded once, and the seq the file list reflects. */
record Snapshot(long seq, Frame frame) {
}
