package com.ncvault.nc;

import java.nio.charset.StandardCharsets;

/**
 * The words of one block, read from one line without allocating (only a malformed word makes a
 * message). Reused for every line: {@link #parse} resets it.
 *
 * <p>Syntax: {@code %} tape markers; {@code /} (optionally {@code /1}..{@code /9}) block delete at
 * the start; comments in parentheses and after {@code ;}; words are a letter (either case) and a
 * number ({@code [+-]digits[.digits]}, spaces allowed between the letter and the number);
 * {@code O1234} or {@code :1234} as the first word is a program number; {@code N} words are
 * accepted and ignored. Anything else makes {@link #error} and the interpreter ignores the block.
 */
final class Block {

    static final int MAX_CODES = 16;
    private static final int MAX_DIGITS = 18;
    private static final int EXCERPT = 24;
    private static final double[] POW10 = new double[MAX_DIGITS + 1];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private final double[] value = new double[26];
    private int present;
    private int decimal;
    /** G codes times ten, so that G90.1 is 901. */
    final int[] g = new int[MAX_CODES];
    int gCount;
    final int[] m = new int[MAX_CODES];
    int mCount;

    boolean empty;
    boolean tapeMarker;
    boolean blockDelete;
    boolean unclosedComment;
    long programNumber;
    String error;

    private byte[] text;
    private int commentStart;
    private int commentEnd;
    private int lineCommentStart;
    private int lineCommentEnd;

    // result of the last number read
    private double number;
    private boolean numberDecimal;

    boolean has(char letter) {
        return (present & bit(letter)) != 0;
    }

    boolean hasAny(int mask) {
        return (present & mask) != 0;
    }

    double get(char letter) {
        return value[letter - 'A'];
    }

    /** Whether the word was written with a decimal point ({@code P1.} vs {@code P1}). */
    boolean decimal(char letter) {
        return (decimal & bit(letter)) != 0;
    }

    boolean hasM(int code) {
        for (int i = 0; i < mCount; i++) {
            if (m[i] == code) {
                return true;
            }
        }
        return false;
    }

    static int bit(char letter) {
        return 1 << (letter - 'A');
    }

    /** The parenthesised comment of the block, else its {@code ;} comment, trimmed; or null. */
    String comment() {
        if (commentStart >= 0) {
            return text(commentStart, commentEnd);
        }
        if (lineCommentStart >= 0) {
            return text(lineCommentStart, lineCommentEnd);
        }
        return null;
    }

    private String text(int start, int end) {
        String s = new String(text, start, Math.min(end - start, 200), StandardCharsets.UTF_8).strip();
        StringBuilder clean = new StringBuilder(s.length());
        s.codePoints().forEach(c -> clean.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        String result = clean.toString();
        return result.isEmpty() ? null : result;
    }

    void parse(byte[] s, int length) {
        present = 0;
        decimal = 0;
        gCount = 0;
        mCount = 0;
        empty = false;
        tapeMarker = false;
        blockDelete = false;
        unclosedComment = false;
        programNumber = -1;
        error = null;
        text = s;
        commentStart = -1;
        lineCommentStart = -1;

        int i = skipSpace(s, 0, length);
        if (i == length) {
            empty = true;
            return;
        }
        if (s[i] == '%') {
            tapeMarker = true;
            return;
        }
        if (s[i] == '/') {
            blockDelete = true;
            i++;
            if (i < length && s[i] >= '1' && s[i] <= '9') {
                i++;
            }
        }
        boolean first = true;
        while ((i = skipSpace(s, i, length)) < length) {
            int c = s[i];
            if (c == '(') {
                int close = i + 1;
                while (close < length && s[close] != ')') {
                    close++;
                }
                if (commentStart < 0) {
                    commentStart = i + 1;
                    commentEnd = close;
                }
                if (close == length) {
                    unclosedComment = true;
                    return;
                }
                i = close + 1;
                continue;
            }
            if (c == ';') {
                lineCommentStart = i + 1;
                lineCommentEnd = length;
                return;
            }
            if (c == ':' && first) {
                int end = readNumber(s, i + 1, length);
                if (end < 0 || numberDecimal || number < 0) {
                    error = "cannot read program number '" + excerpt(s, i, length) + "'";
                    return;
                }
                programNumber = (long) number;
                i = end;
                first = false;
                continue;
            }
            int upper = c & ~0x20;
            if (upper < 'A' || upper > 'Z') {
                error = c == '#' || c == '[' || c == ']' || c == '='
                        ? "macro statements are not interpreted: '" + excerpt(s, i, length) + "'"
                        : "cannot read '" + excerpt(s, i, length) + "'";
                return;
            }
            int end = readNumber(s, skipSpace(s, i + 1, length), length);
            if (end < 0) {
                error = "cannot read '" + excerpt(s, i, length) + "': a letter must be followed by a number";
                return;
            }
            if (!word((char) upper, first)) {
                error = error + " '" + excerpt(s, i, length) + "'";
                return;
            }
            first = false;
            i = end;
        }
    }

    private boolean word(char letter, boolean first) {
        switch (letter) {
            case 'G' -> {
                double tenth = number * 10;
                long code = Math.round(tenth);
                if (number < 0 || code >= 100_000 || Math.abs(tenth - code) > 1e-6 || gCount == MAX_CODES) {
                    error = gCount == MAX_CODES ? "too many G codes in one block:" : "not a G code:";
                    return false;
                }
                g[gCount++] = (int) code;
            }
            case 'M' -> {
                if (number < 0 || number >= 100_000 || number != Math.rint(number) || mCount == MAX_CODES) {
                    error = mCount == MAX_CODES ? "too many M codes in one block:" : "not an M code:";
                    return false;
                }
                m[mCount++] = (int) number;
            }
            case 'N' -> {
                // sequence numbers only label blocks
            }
            case 'O' -> {
                if (!first || numberDecimal || number < 0) {
                    error = "a program number must start the block and be a whole number:";
                    return false;
                }
                programNumber = (long) number;
            }
            default -> {
                int bit = bit(letter);
                if ((present & bit) != 0) {
                    error = letter + " given twice in one block:";
                    return false;
                }
                present |= bit;
                if (numberDecimal) {
                    decimal |= bit;
                }
                value[letter - 'A'] = number;
            }
        }
        return true;
    }

    /** Reads {@code [+-]digits[.digits]} at {@code i}; the index after it, or -1. */
    private int readNumber(byte[] s, int i, int length) {
        boolean negative = false;
        if (i < length && (s[i] == '-' || s[i] == '+')) {
            negative = s[i] == '-';
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int scale = 0;
        boolean dot = false;
        boolean any = false;
        for (; i < length; i++) {
            int c = s[i];
            if (c >= '0' && c <= '9') {
                any = true;
                if (digits < MAX_DIGITS) {
                    mantissa = mantissa * 10 + (c - '0');
                    digits++;
                    if (dot) {
                        scale++;
                    }
                } else if (!dot) {
                    return -1;
                }
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
        }
        if (!any) {
            return -1;
        }
        double v = mantissa / POW10[scale];
        number = negative ? -v : v;
        numberDecimal = dot;
        return i;
    }

    private static int skipSpace(byte[] s, int i, int length) {
        while (i < length && (s[i] == ' ' || s[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** A short printable excerpt of the line from {@code i}, for a warning. */
    private static String excerpt(byte[] s, int i, int length) {
        int end = Math.min(length, i + EXCERPT);
        StringBuilder b = new StringBuilder(end - i + 1);
        for (int k = i; k < end; k++) {
            int c = s[k] & 0xff;
            b.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        if (end < length) {
            b.append('…');
        }
        return b.toString();
    }
}
