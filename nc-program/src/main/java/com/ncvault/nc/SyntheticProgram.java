package com.ncvault.nc;

import java.io.ByteArrayOutputStream;
import java.util.Random;

/**
 * A large, valid milling program for measuring the interpreter: tool changes, linear moves, R and
 * IJ arcs, drilling cycles, comments and sequence numbers, with coordinates written to 3 decimals
 * as posts do. The same size and seed give the same bytes.
 */
public final class SyntheticProgram {

    /** Tools the program changes between, T1..T{@value}. */
    public static final int TOOLS = 12;

    private final StringBuilder out = new StringBuilder(1 << 16);
    private final ByteArrayOutputStream bytes;
    private final Random random;
    private int sequence;
    private double x;
    private double y;
    private boolean arcMode;

    private SyntheticProgram(int size, long seed) {
        bytes = new ByteArrayOutputStream(size + 4096);
        random = new Random(seed);
    }

    /** About {@code size} bytes of program (a little more: the last section is finished). */
    public static byte[] generate(int size, long seed) {
        return new SyntheticProgram(size, seed).build(size);
    }

    private byte[] build(int size) {
        out.append("%\nO1000 (SYNTHETIC PART)\nG21 G90 G17 G40 G49 G80 G94\n");
        int tool = 0;
        while (bytes.size() + out.length() < size) {
            tool = tool % TOOLS + 1;
            out.append("(OPERATION ").append(sequence).append(")\n");
            block().append("T").append(tool).append(" M6 (D").append(tool).append(" ENDMILL)\n");
            block().append("G0 G90 G54 X0 Y0 S8000 M3\n");
            block().append("G43 H").append(tool).append(" Z50.\n");
            x = 0;
            y = 0;
            block().append("G0 Z2.\n");
            block().append("G1 Z-3. F300.\n");
            for (int i = 0; i < 400; i++) {
                int kind = random.nextInt(10);
                if (kind < 6) {
                    x = walk(x);
                    y = walk(y);
                    block().append(kind == 0 || arcMode ? "G1 X" : "X");
                    num(x).append(" Y");
                    num(y).append(kind == 0 ? " F1200.\n" : "\n");
                    arcMode = false;
                } else {
                    arc(kind < 8);
                }
                flush();
            }
            block().append("G0 Z50.\n");
            block().append("G98 G81 Z-10. R2. F200.\n");
            for (int i = 0; i < 20; i++) {
                block().append("X");
                num(random.nextInt(300000) / 1000.0).append(" Y");
                num(random.nextInt(300000) / 1000.0).append('\n');
            }
            block().append("G80\n");
            block().append("G91 G28 Z0.\n");
            block().append("G90\n");
            flush();
        }
        out.append("M30\n%\n");
        flush();
        return bytes.toByteArray();
    }

    /** An arc of 10..170 degrees from the current position, with IJ or R. */
    private void arc(boolean withR) {
        double r = 2 + random.nextInt(18000) / 1000.0;
        double towardsCentre = random.nextDouble() * 2 * Math.PI;
        double cx = x + r * Math.cos(towardsCentre);
        double cy = y + r * Math.sin(towardsCentre);
        boolean ccw = random.nextBoolean();
        double delta = Math.toRadians(10 + random.nextInt(160)) * (ccw ? 1 : -1);
        double start = Math.atan2(y - cy, x - cx);
        double ex = round(cx + r * Math.cos(start + delta));
        double ey = round(cy + r * Math.sin(start + delta));
        block().append(ccw ? "G3 X" : "G2 X");
        num(ex).append(" Y");
        num(ey);
        if (withR) {
            out.append(" R");
            num(r);
        } else {
            out.append(" I");
            num(cx - x).append(" J");
            num(cy - y);
        }
        out.append('\n');
        x = ex;
        y = ey;
        arcMode = true;
    }

    private double walk(double v) {
        double next = v + (random.nextInt(20000) - 10000) / 1000.0;
        return round(Math.max(-50, Math.min(350, next)));
    }

    private StringBuilder block() {
        sequence += 10;
        return out.append('N').append(sequence).append(' ');
    }

    private StringBuilder num(double v) {
        long thousandths = Math.round(v * 1000);
        if (thousandths < 0) {
            out.append('-');
            thousandths = -thousandths;
        }
        out.append(thousandths / 1000).append('.');
        long fraction = thousandths % 1000;
        if (fraction != 0) {
            out.append(fraction / 100).append(fraction / 10 % 10).append(fraction % 10);
        }
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private void flush() {
        if (out.length() > 1 << 15) {
            for (int i = 0; i < out.length(); i++) {
                bytes.write(out.charAt(i));
            }
            out.setLength(0);
        }
    }
}
