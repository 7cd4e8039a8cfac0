package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which filenames the vault accepts. A name must be safe as a single path element on Linux,
 * Windows and macOS clients, must not imitate separators or dots with Unicode look-alikes, and
 * must carry an allowed extension (and match the part-number pattern when one is configured).
 */
public final class FilenameRules {

  static final int MAX_UTF8_BYTES = 255;
  private static final String WINDOWS_FORBIDDEN = "<>:\"|?*";
  /** Characters that change the structure of a name: separators, dots and Windows-forbidden ones. */
  private static final String STRUCTURAL = "/\\." + WINDOWS_FORBIDDEN;
  /**
   * Look-alikes that NFKC does not fold to ASCII but that render as a slash, backslash or dot;
   * the NFKC check below catches the others (fullwidth forms, one dot leader, small full stop...).
   */
  private static final Set<Integer> LOOKALIKES = Set.of(
    0x2215, // DIVISION SLASH
    0x2044, // FRACTION SLASH
    0x29F8, // BIG SOLIDUS
    0x29F5, // REVERSE SOLIDUS OPERATOR
    0x29F9, // BIG REVERSE SOLIDUS
    0x2216, // SET MINUS
    0x0337, // COMBINING SHORT SOLIDUS OVERLAY
    0x0338, // COMBINING LONG SOLIDUS OVERLAY
    0x3002, // IDEOGRAPHIC FULL STOP
    0xFF61, // HALFWIDTH IDEOGRAPHIC FULL STOP
    0x2E31, // WORD SEPARATOR MIDDLE DOT
    0x2E33  // RAISED DOT
  );
  private static final Pattern DEVICE = Pattern.compile("(?i)(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])");

  private final Set<String> allowedExtensions;
  private final Pattern namePattern;

  /**
   * @param allowedExtensions extensions with the dot, compared case-insensitively
   * @param namePattern regular expression for the name before the extension; null or empty = any
   */
  public FilenameRules(Collection<String> allowedExtensions, String namePattern) {
    this.allowedExtensions = new TreeSet<>();
    for (String ext : allowedExtensions) {
      String e = ext.trim().toLowerCase(Locale.ROOT);
      this.allowedExtensions.add(e.startsWith(".") ? e : "." + e);
    }
    this.namePattern = namePattern == null || namePattern.isEmpty() ? null : Pattern.compile(namePattern);
  }

  /** Throws a 400 invalid_filename PdmError naming the first rule the name breaks. */
  public void require(String filename) {
    Optional<String> problem = check(filename);
    if (problem.isPresent()) {
      throw new PdmError(ErrorCode.INVALID_FILENAME, problem.get());
    }
  }

  /** The first rule the name breaks, as a message for the user; empty when the name is fine. */
  public Optional<String> check(String filename) {
    if (filename == null || filename.isEmpty()) {
      return Optional.of("A filename is required");
    }
    Optional<String> problem = checkShape(filename);
    if (problem.isPresent()) {
      return problem;
    }
    String normalised = Normalizer.normalize(filename, Normalizer.Form.NFKC);
    if (!normalised.equals(filename)) {
      problem = checkShape(normalised);
      if (problem.isPresent()) {
        return Optional.of(problem.get() + " (after Unicode normalisation)");
      }
      if (!extensionOf(normalised).equalsIgnoreCase(extensionOf(filename))) {
        return Optional.of("The extension of the filename changes under Unicode normalisation");
      }
    }
    if (NameKey.of(filename).length() > MAX_UTF8_BYTES) {
      return Optional.of("The filename is longer than " + MAX_UTF8_BYTES + " characters once case is folded");
    }
    return checkExtensionAndPattern(filename);
  }

  /** The group-independent structural rules, applied to the name and to its NFKC form. */
  private Optional<String> checkShape(String name) {
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_UTF8_BYTES) {
      return Optional.of("The filename is longer than " + MAX_UTF8_BYTES + " bytes (UTF-8)");
    }
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      Optional<String> problem = checkCodePoint(cp);
      if (problem.isPresent()) {
        return problem;
      }
      i += Character.charCount(cp);
    }
    if (name.contains("..")) {
      return Optional.of("The filename must not contain '..'");
    }
    if (isEdgeChar(name.codePointAt(0)) || isEdgeChar(name.codePointBefore(name.length()))) {
      return Optional.of("The filename must not start or end with a space or a dot");
    }
    String base = name.split("\\.", 2)[0].stripTrailing();
    if (DEVICE.matcher(base).matches()) {
      return Optional.of("The filename is a reserved device name on Windows (CON, PRN, AUX, NUL, COM1-9, LPT1-9)");
    }
    return Optional.empty();
  }

  private static Optional<String> checkCodePoint(int cp) {
    if (cp == '/' || cp == '\\') {
      return Optional.of("The filename must not contain path separators (/ or \\)");
    }
    if (WINDOWS_FORBIDDEN.indexOf(cp) >= 0) {
      return Optional.of("The filename must not contain any of the characters < > : \" | ? *");
    }
    if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
      return Optional.of("The filename contains an invalid character");
    }
    int type = Character.getType(cp);
    if (type == Character.CONTROL) {
      return Optional.of("The filename must not contain control characters");
    }
    if (type == Character.FORMAT || type == Character.UNASSIGNED || type == Character.PRIVATE_USE) {
      return Optional.of("The filename must not contain invisible, unassigned or private-use characters");
    }
    if (LOOKALIKES.contains(cp)) {
      return Optional.of("The filename must not contain characters that look like a slash or a dot");
    }
    if (cp > 0x7F) {
      String folded = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFKC);
      for (int j = 0; j < folded.length(); j++) {
        char c = folded.charAt(j);
        if (STRUCTURAL.indexOf(c) >= 0 || Character.isISOControl(c)) {
          return Optional.of("The filename must not contain characters that look like a slash, a dot or "
            + "one of < > : \" | ? *");
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isEdgeChar(int cp) {
    return cp == '.' || Character.isWhitespace(cp) || Character.isSpaceChar(cp);
  }

  private Optional<String> checkExtensionAndPattern(String name) {
    String ext = extensionOf(name);
    if (ext.isEmpty()) {
      return Optional.of("The filename needs an extension, one of " + String.join(" ", allowedExtensions));
    }
    if (!allowedExtensions.contains(ext.toLowerCase(Locale.ROOT))) {
      return Optional.of("Files with the extension " + ext + " are not accepted; allowed: "
        + String.join(" ", allowedExtensions));
    }
    if (namePattern != null) {
      String base = name.substring(0, name.length() - ext.length());
      if (!namePattern.matcher(base).matches()) {
        return Optional.of("The name before the extension must match " + namePattern.pattern());
      }
    }
    return Optional.empty();
  }

  /** ".nc" for "1234567_AB1.nc"; empty when the name has no dot after its first character. */
  static String extensionOf(String name) {
    int dot = name.lastIndexOf('.');
    return dot <= 0 ? "" : name.substring(dot);
  }

  /** Allowed extensions, lower case with the dot, sorted. */
  public List<String> allowedExtensions() {
    return List.copyOf(allowedExtensions);
  }
}
