package com.ncvault.machine;

/** The names a program may have at a machine: one plain file name, nothing that walks directories. */
public final class ProgramNames {
    public static final int MAX_LENGTH = 255;

    private ProgramNames() {
    }

    /** Returns {@code name} when it is a plain file name, else throws {@link IllegalArgumentException}. */
    public static String require(String name) {
        if (name == null || name.isBlank() || name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a program name is 1 to " + MAX_LENGTH + " characters");
        }
        if (name.equals(".") || name.equals("..") || name.startsWith(".")) {
            throw new IllegalArgumentException("a program name does not start with a dot");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\' || c == ':' || c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("a program name has no path separators or control characters");
            }
        }
        return name;
    }
}
