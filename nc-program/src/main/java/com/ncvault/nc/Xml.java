package com.ncvault.nc;

/** Text and numbers for SVG output. */
final class Xml {

    private Xml() {
    }

    /** Escapes markup and drops characters XML 1.0 does not allow (control characters, lone surrogates). */
    static StringBuilder text(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if ((c >= 0x20 && c < 0xD800) || (c >= 0xE000 && c < 0xFFFE) || c == '\t') {
                        out.append(c);
                    } else {
                        out.append('\uFFFD');
                    }
                }
            }
        }
        return out;
    }

    /** A number with at most three decimals (micrometres for millimetres), without trailing zeros. */
    static StringBuilder number(StringBuilder out, double value) {
        long thousandths = Math.round(value * 1000);
        if (thousandths < 0) {
            out.append('-');
            thousandths = -thousandths;
        }
        out.append(thousandths / 1000);
        long fraction = thousandths % 1000;
        if (fraction != 0) {
            out.append('.').append(fraction / 100);
            if (fraction % 100 != 0) {
                out.append(fraction / 10 % 10);
                if (fraction % 10 != 0) {
                    out.append(fraction % 10);
                }
            }
        }
        return out;
    }

    static String number(double value) {
        return number(new StringBuilder(), value).toString();
    }
}
