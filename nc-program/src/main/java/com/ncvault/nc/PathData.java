package com.ncvault.nc;

/**
 * The {@code d} attribute of one SVG path, built from projected lines and arcs in program order.
 * A piece that starts where the last ended continues the path; consecutive lines that stay within
 * {@code tolerance} of one straight line are merged into one (a sleeve test from the last vertex, so
 * no dropped point is farther than the tolerance from what is drawn). Coordinates are in mm, with
 * the SVG y flipped ({@code -v}).
 */
final class PathData {

    private final StringBuilder d = new StringBuilder();
    private final double tolerance;
    private int commands;

    private boolean open;
    private double anchorU;
    private double anchorV;
    private boolean pending;
    private double pendingU;
    private double pendingV;
    // the sleeve: directions from the anchor still within tolerance of every merged point
    private boolean window;
    private double dirU;
    private double dirV;
    private double low;
    private double high;
    private double farthest;

    PathData(double tolerance) {
        this.tolerance = tolerance;
    }

    int commands() {
        return commands;
    }

    boolean isEmpty() {
        return d.isEmpty() && !pending;
    }

    void line(double u0, double v0, double u1, double v1) {
        start(u0, v0);
        push(u1, v1);
    }

    /** An SVG arc to (u1, v1); {@code counterClockwise} as seen with +v up. */
    void arc(double u0, double v0, double radius, boolean large, boolean counterClockwise, double u1, double v1) {
        start(u0, v0);
        flush();
        d.append('A');
        Xml.number(d, radius).append(' ');
        Xml.number(d, radius).append(" 0 ").append(large ? '1' : '0').append(' ')
                // with y flipped, a turn that is counter-clockwise on screen is SVG's negative sweep
                .append(counterClockwise ? '0' : '1');
        vertex(' ', u1, v1);
    }

    /** The path data, with any pending merged line written out. */
    String data() {
        flush();
        return d.toString();
    }

    private void start(double u, double v) {
        double currentU = pending ? pendingU : anchorU;
        double currentV = pending ? pendingV : anchorV;
        if (open && Math.abs(u - currentU) < 1e-6 && Math.abs(v - currentV) < 1e-6) {
            return;
        }
        flush();
        vertex('M', u, v);
        open = true;
    }

    private void push(double u, double v) {
        double du = u - anchorU;
        double dv = v - anchorV;
        double distance = Math.sqrt(du * du + dv * dv);
        if (!pending || !window) {
            pending = true;
            pendingU = u;
            pendingV = v;
            openWindow(du, dv, distance);
            return;
        }
        double angle = Math.atan2(dirU * dv - dirV * du, dirU * du + dirV * dv);
        if (distance + tolerance >= farthest && angle >= low && angle <= high) {
            pendingU = u;
            pendingV = v;
            double half = Math.asin(Math.min(1, tolerance / distance));
            low = Math.max(low, angle - half);
            high = Math.min(high, angle + half);
            farthest = Math.max(farthest, distance);
            return;
        }
        flush();
        push(u, v);
    }

    private void openWindow(double du, double dv, double distance) {
        window = distance > tolerance;
        if (window) {
            dirU = du / distance;
            dirV = dv / distance;
            double half = Math.asin(tolerance / distance);
            low = -half;
            high = half;
            farthest = distance;
        }
    }

    private void flush() {
        if (pending) {
            vertex('L', pendingU, pendingV);
            pending = false;
            window = false;
        }
    }

    /** Ends a command at (u, v), which becomes the anchor. */
    private void vertex(char command, double u, double v) {
        d.append(command);
        point(u, v);
        commands++;
        anchorU = u;
        anchorV = v;
    }

    private void point(double u, double v) {
        Xml.number(d, u).append(' ');
        Xml.number(d, -v);
    }
}
