package com.ncvault.nc;

import java.util.List;

/**
 * What one interpretation of an NC program found. Plain records, so Jackson writes them as the JSON
 * the API answers. Every length is in millimetres (inch programs are converted) and every
 * coordinate is in the program's coordinate system as it stood at the first block: a {@code G92}
 * shifts later coordinates back into that frame.
 *
 * @param programNumber the first {@code O} (or {@code :}) number, or {@code null}
 * @param units always {@code "mm"}
 * @param lines physical lines in the file
 * @param tools tools loaded by {@code M6}, in order of first use, each once
 * @param extents the box around every point the tool centre reaches through rapids, feeds,
 *     arcs (their extreme points, not only their ends) and canned-cycle strokes; {@code null}
 *     when nothing moved
 * @param feedDistance length of feed moves (G1, G2, G3 and the feed strokes of canned cycles)
 * @param rapidDistance length of rapid moves (G0 and the rapid strokes of canned cycles)
 * @param estimatedSeconds feeds at their feed rate, rapids at the rapid rate, dwells, tool changes
 * @param subprograms subprogram and macro calls, listed where they stand, never expanded
 * @param warnings the first {@value #MAX_WARNINGS} things that could not be interpreted
 * @param warningCount how many warnings there were in all ({@code warnings} keeps the first ones)
 */
public record ProgramFacts(
        Long programNumber,
        String units,
        int lines,
        List<Tool> tools,
        Extents extents,
        double feedDistance,
        double rapidDistance,
        double estimatedSeconds,
        List<SubprogramCall> subprograms,
        List<Warning> warnings,
        int warningCount) {

    /** Warnings kept in the list; a garbage file cannot make more than this many objects. */
    public static final int MAX_WARNINGS = 100;

    /** Subprogram calls kept in the list. */
    public static final int MAX_SUBPROGRAM_CALLS = 1000;

    /** Tools kept in the list (tool numbers are distinct). */
    public static final int MAX_TOOLS = 1000;

    public ProgramFacts {
        tools = List.copyOf(tools);
        subprograms = List.copyOf(subprograms);
        warnings = List.copyOf(warnings);
    }

    /** A tool loaded by {@code M6}; {@code comment} is {@code null} when its block had none. */
    public record Tool(int number, String comment, int line) { }

    /** A subprogram call: {@code call} is {@code M98}, {@code M97} or {@code G65}. */
    public record SubprogramCall(int line, String call, long program, int repeat) { }

    /** Something the interpreter could not interpret, on a 1-based line. */
    public record Warning(int line, String message) { }

    public record Point(double x, double y, double z) { }

    public record Extents(Point min, Point max) {
        public double sizeX() {
            return max.x() - min.x();
        }

        public double sizeY() {
            return max.y() - min.y();
        }

        public double sizeZ() {
            return max.z() - min.z();
        }
    }
}
