package com.ncvault.nc;

import com.ncvault.nc.ProgramFacts.Point;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds, for a segment of one program, an equal segment of another: the same kind (rapid line,
 * feed line, arc in the same direction, hole) with every point (ends, arc centre, hole top and
 * bottom) within {@code tolerance} on each axis. The tool number is not compared, so renumbering
 * a tool does not mark its path as changed (the tool-list difference shows that). Segments are
 * indexed by the grid cell of their start point; a lookup searches the 27 cells around it.
 */
final class SameSegments {

    static final int NONE = -1;
    /** Equal to a segment that an earlier lookup already took. */
    static final int TAKEN = -2;

    private final List<Segment> segments;
    private final double tolerance;
    private final boolean[] taken;
    private final Map<Long, List<Integer>> cells = new HashMap<>();

    SameSegments(List<Segment> segments, double tolerance) {
        this.segments = segments;
        this.tolerance = tolerance;
        this.taken = new boolean[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            Point p = start(segments.get(i));
            cells.computeIfAbsent(key(cell(p.x()), cell(p.y()), cell(p.z())), k -> new ArrayList<>(1)).add(i);
        }
    }

    /** Takes and returns the index of an equal segment not taken yet, else {@link #TAKEN} or {@link #NONE}. */
    int take(Segment s) {
        Point p = start(s);
        long cx = cell(p.x());
        long cy = cell(p.y());
        long cz = cell(p.z());
        int result = NONE;
        for (int dx = -1; dx <= 1; dx++) {
            for (int dy = -1; dy <= 1; dy++) {
                for (int dz = -1; dz <= 1; dz++) {
                    List<Integer> candidates = cells.get(key(cx + dx, cy + dy, cz + dz));
                    if (candidates == null) {
                        continue;
                    }
                    for (int i : candidates) {
                        if (equal(segments.get(i), s)) {
                            if (!taken[i]) {
                                taken[i] = true;
                                return i;
                            }
                            result = TAKEN;
                        }
                    }
                }
            }
        }
        return result;
    }

    boolean taken(int i) {
        return taken[i];
    }

    private boolean equal(Segment a, Segment b) {
        if (a instanceof Segment.Line la && b instanceof Segment.Line lb) {
            return la.rapid() == lb.rapid() && close(la.from(), lb.from()) && close(la.to(), lb.to());
        }
        if (a instanceof Segment.Arc aa && b instanceof Segment.Arc ab) {
            return aa.plane() == ab.plane() && Math.signum(aa.sweep()) == Math.signum(ab.sweep())
                    && close(aa.from(), ab.from()) && close(aa.to(), ab.to()) && close(aa.centre(), ab.centre());
        }
        if (a instanceof Segment.Hole ha && b instanceof Segment.Hole hb) {
            return close(ha.top(), hb.top()) && close(ha.bottom(), hb.bottom());
        }
        return false;
    }

    private boolean close(Point a, Point b) {
        return Math.abs(a.x() - b.x()) <= tolerance && Math.abs(a.y() - b.y()) <= tolerance
                && Math.abs(a.z() - b.z()) <= tolerance;
    }

    private long cell(double v) {
        return (long) Math.floor(v / tolerance);
    }

    private static long key(long cx, long cy, long cz) {
        return (cx & 0x1FFFFF) << 42 | (cy & 0x1FFFFF) << 21 | (cz & 0x1FFFFF);
    }

    static Point start(Segment s) {
        if (s instanceof Segment.Line l) {
            return l.from();
        }
        return s instanceof Segment.Arc a ? a.from() : ((Segment.Hole) s).top();
    }
}
