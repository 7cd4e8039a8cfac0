package com.ncvault.api;

import com.ncvault.contract.StagedUpload;
import io.vertx.core.MultiMap;

/** A multipart upload fully written to the incoming directory: the staged file, its name, the form fields. */
record ReceivedUpload(StagedUpload staged, String uploadedFilename, MultiMap form) {
}
