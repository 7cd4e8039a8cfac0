package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A revision number "major.minor". The first upload is 1.0; a check-in adds a minor or a major step. */
public record Revision(int major, int minor) implements Comparable<Revision> {

  public static final Revision FIRST = new Revision(1, 0);
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,6})\\.(\\d{1,6})");

  public Revision {
    if (major < 0 || minor < 0) {
      throw new IllegalArgumentException("Revision parts must not be negative");
    }
  }

  /** Parses "3.2"; a 400 bad_request PdmError for anything else. */
  public static Revision parse(String text) {
    Matcher m = text == null ? null : FORMAT.matcher(text.trim());
    if (m == null || !m.matches()) {
      throw new PdmError(ErrorCode.BAD_REQUEST, "A revision looks like 1.0 or 2.3");
    }
    return new Revision(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  /** The revision a check-in creates: minor + 1, or major + 1 with minor 0. */
  public Revision next(boolean majorStep) {
    return majorStep ? new Revision(major + 1, 0) : new Revision(major, minor + 1);
  }

  @Override
  public int compareTo(Revision other) {
    return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
