package com.ncvault.api;

/**
 * The name a download is saved under: the file's own name for its current revision, the revision
 * added before the extension for any other ({@code 1234567_AB1.nc} rev 1.0 ->
 * {@code 1234567_AB1_rev1.0.nc}), so revisions saved side by side on a USB stick can be told apart.
 * The page builds the same names for its links (webroot js/filemodel.js, downloadName).
 */
final class DownloadName {

  private DownloadName() {
  }

  static String of(String filename, String revision, String currentRevision) {
    if (revision == null || revision.equals(currentRevision)) {
      return filename;
    }
    int dot = filename.lastIndexOf('.');
    // A leading dot (".nc") or none: the revision goes at the end.
    if (dot <= 0) {
      return filename + "_rev" + revision;
    }
    return filename.substring(0, dot) + "_rev" + revision + filename.substring(dot);
  }
}
