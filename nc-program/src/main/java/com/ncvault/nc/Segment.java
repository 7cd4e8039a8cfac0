package com.ncvault.nc;

import com.ncvault.nc.ProgramFacts.Point;

/** One piece of toolpath, for drawing. Coordinates in mm, in the frame of {@link ProgramFacts}. */
public sealed interface Segment permits Segment.Line, Segment.Arc, Segment.Hole {

    /** 1-based line of the block that made it. */
    int line();

    /** Tool loaded when it ran (0 before the first tool change). */
    int tool();

    /** A straight move: G0/G1, or a stroke of a canned cycle. */
    record Line(int line, int tool, boolean rapid, Point from, Point to) implements Segment { }

    /**
     * A circular (or, when the normal coordinate changes, helical) feed move in {@code plane}.
     * {@code sweep} is in radians, positive counter-clockwise seen from the plane's positive
     * normal axis (G3), negative for G2; a full circle is ±2π.
     */
    record Arc(int line, int tool, Plane plane, Point from, Point to, Point centre, double radius, double sweep)
            implements Segment {

        /** The point at fraction {@code t} (0..1) of the arc; the normal axis moves linearly. */
        public Point pointAt(double t) {
            double angle = Math.atan2(coord(from, plane.second) - coord(centre, plane.second),
                    coord(from, plane.first) - coord(centre, plane.first)) + sweep * t;
            double[] p = new double[3];
            p[plane.first] = coord(centre, plane.first) + radius * Math.cos(angle);
            p[plane.second] = coord(centre, plane.second) + radius * Math.sin(angle);
            p[plane.normal] = coord(from, plane.normal) + (coord(to, plane.normal) - coord(from, plane.normal)) * t;
            return new Point(p[0], p[1], p[2]);
        }
    }

    /**
     * A hole drilled by a canned cycle ({@code cycle} is e.g. {@code "G81"}): {@code top} is the
     * R level, {@code bottom} the depth, both on the drilling axis (the normal of {@code plane}).
     */
    record Hole(int line, int tool, String cycle, Plane plane, Point top, Point bottom) implements Segment { }

    /** Coordinate {@code axis} (0 = X, 1 = Y, 2 = Z) of a point. */
    static double coord(Point p, int axis) {
        return axis == 0 ? p.x() : axis == 1 ? p.y() : p.z();
    }
}
