package com.ncvault.nc;

import com.ncvault.nc.ProgramFacts.Extents;
import com.ncvault.nc.ProgramFacts.Point;
import com.ncvault.nc.ProgramFacts.SubprogramCall;
import com.ncvault.nc.ProgramFacts.Tool;
import com.ncvault.nc.ProgramFacts.Warning;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Interprets a Fanuc/Haas-style milling program in one pass, line by line, into {@link ProgramFacts}
 * and, when asked, {@link Segment}s. Nothing in the program's content makes it throw: what it
 * cannot interpret becomes a warning with its line number. docs/nc-program.md lists the dialect.
 *
 * <p>The facts pass keeps no segments: it allocates only for warnings, tools and subprogram calls,
 * all capped in number.
 */
public final class NcInterpreter {

    /** An IJK arc whose end is farther than this from the start's circle is refused (mm). */
    public static final double ARC_RADIUS_TOLERANCE = 0.02;

    /** An IJK arc whose end is this close to its start is a full circle (mm). */
    static final double FULL_CIRCLE_TOLERANCE = 1e-4;

    private static final double INCH = 25.4;
    private static final int NO_MOTION = -1;
    private static final int AXES = Block.bit('X') | Block.bit('Y') | Block.bit('Z');
    private static final int ARC_WORDS = Block.bit('I') | Block.bit('J') | Block.bit('K') | Block.bit('R');
    private static final int OTHER_AXES = Block.bit('A') | Block.bit('B') | Block.bit('C') | Block.bit('U')
            | Block.bit('V') | Block.bit('W');
    private static final int ALL_KNOWN = 7;
    /** Canned-cycle strokes simulated in one program, so that repeats and pecks cannot run away. */
    private static final long MAX_CYCLE_STROKES = 5_000_000;

    /**
     * G codes (times ten) this interpreter knows. Besides motion, planes, units, distance and feed
     * modes, cycles, dwell, G10, G28/G30, G53, G65 and G92, these leave the programmed path as it is:
     * cutter and length compensation (G40-G44, G49), work offsets (G54-G59, G54.1), exact stop and
     * smoothing modes (G5, G5.1, G8, G9, G61, G61.1, G64, G103, G187), G97, and the cancels G15,
     * G50, G50.1 and G69 of modes it does not interpret.
     */
    private static final int[] INTERPRETED_G = sorted(0, 10, 20, 30, 40, 50, 51, 80, 90, 100, 150, 170, 180,
            190, 200, 210, 280, 300, 400, 410, 420, 430, 440, 490, 500, 501, 530, 540, 541, 550, 560, 570, 580,
            590, 610, 611, 640, 650, 690, 730, 740, 760, 800, 810, 820, 830, 840, 850, 860, 870, 880, 890, 900,
            901, 910, 911, 920, 921, 930, 940, 950, 970, 980, 990, 1030, 1870);

    private static int[] sorted(int... codes) {
        Arrays.sort(codes);
        return codes;
    }

    private NcInterpreter() {
    }

    public static ProgramFacts facts(byte[] program, NcOptions options) {
        return interpret(program, options, null);
    }

    public static ProgramFacts facts(InputStream program, NcOptions options) throws IOException {
        return interpret(program, options, null);
    }

    /** Facts, and every segment handed to {@code sink} (when not null) in program order. */
    public static ProgramFacts interpret(byte[] program, NcOptions options, Consumer<Segment> sink) {
        try {
            return interpret(new ByteArrayInputStream(program), options, sink);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail to read
        }
    }

    public static ProgramFacts interpret(InputStream program, NcOptions options, Consumer<Segment> sink)
            throws IOException {
        return new Run(options, sink).run(program);
    }

    /** The state of one interpretation. */
    private static final class Run {
        private final NcOptions options;
        private final Consumer<Segment> sink;
        private final Block b = new Block();
        private int line;

        // modal state
        private double unit = 1;
        private boolean incremental;
        private boolean absoluteCentres;
        private Plane plane = Plane.XY;
        private int motion = NO_MOTION;
        private int feedMode = 94;
        private boolean returnToR;
        private double feed;
        private double spindle;
        private int tool;
        private int pendingTool = -1;
        private String pendingComment;

        // position in the frame of the first block; an axis is unknown until programmed
        private final double[] position = new double[3];
        private int known;
        private final double[] offset = new double[3];
        private final double[] target = new double[3];

        // canned cycle data, kept while the cycle is modal
        private double initialLevel;
        private boolean initialKnown;
        private double rLevel = Double.NaN;
        private double depth = Double.NaN;
        private double peck;
        private double dwellSeconds;
        private long strokeBudget = MAX_CYCLE_STROKES;

        // facts
        private Long programNumber;
        private boolean started;
        private boolean ended;
        private final double[] min = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        private final double[] max = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        private double feedDistance;
        private double rapidDistance;
        private double seconds;
        private final List<Tool> tools = new ArrayList<>();
        private final Set<Integer> toolNumbers = new HashSet<>();
        private final List<SubprogramCall> calls = new ArrayList<>();
        private final List<Warning> warnings = new ArrayList<>();
        private int warningCount;
        private final Set<String> warnedOnce = new HashSet<>();

        Run(NcOptions options, Consumer<Segment> sink) {
            this.options = options;
            this.sink = sink;
        }

        ProgramFacts run(InputStream in) throws IOException {
            LineReader reader = new LineReader(in);
            while (reader.next()) {
                line++;
                if (reader.tooLong) {
                    warn("line longer than " + LineReader.MAX_LINE + " characters; not interpreted");
                    continue;
                }
                b.parse(reader.line, reader.length);
                block();
            }
            if (calls.size() == ProgramFacts.MAX_SUBPROGRAM_CALLS) {
                warn("only the first " + ProgramFacts.MAX_SUBPROGRAM_CALLS + " subprogram calls are listed");
            }
            Extents extents = min[0] > max[0] ? null : new Extents(
                    new Point(round3(min[0]), round3(min[1]), round3(min[2])),
                    new Point(round3(max[0]), round3(max[1]), round3(max[2])));
            return new ProgramFacts(programNumber, "mm", line, tools, extents, round3(feedDistance),
                    round3(rapidDistance), Math.round(seconds * 100) / 100.0, calls, warnings, warningCount);
        }

        private void block() {
            if (b.empty) {
                return;
            }
            if (ended) {
                warnOnce("after-end", "text after the closing % is not interpreted");
                return;
            }
            if (b.tapeMarker) {
                ended = started;
                return;
            }
            started = true;
            if (b.blockDelete && options.skipBlockDelete()) {
                return;
            }
            if (b.unclosedComment) {
                warn("comment not closed with ')'");
            }
            if (b.error != null) {
                warn(b.error + "; block ignored");
                return;
            }
            if (b.hasAny(OTHER_AXES)) {
                warnOnce("other-axes", "A, B, C, U, V and W words are not interpreted: only X, Y and Z move");
            }
            if (b.programNumber >= 0 && programNumber == null) {
                programNumber = b.programNumber;
            }
            for (int k = 0; k < b.gCount; k++) {
                if (Arrays.binarySearch(INTERPRETED_G, b.g[k]) < 0) {
                    warnOnce("G" + b.g[k], "G" + codeText(b.g[k]) + " is not interpreted; its blocks are ignored");
                    return;
                }
            }
            int newMotion = Integer.MIN_VALUE;
            boolean dwell = false;
            boolean setOffsets = false;
            boolean dataSetting = false;
            boolean reference = false;
            boolean machine = false;
            boolean macro = false;
            for (int k = 0; k < b.gCount; k++) {
                int code = b.g[k];
                switch (code) {
                    case 0, 10, 20, 30 -> newMotion = code / 10;
                    case 730, 740, 760, 810, 820, 830, 840, 850, 860, 870, 880, 890 -> newMotion = code / 10;
                    case 800 -> newMotion = NO_MOTION;
                    case 40 -> dwell = true;
                    case 100 -> dataSetting = true;
                    case 170 -> plane = Plane.XY;
                    case 180 -> plane = Plane.ZX;
                    case 190 -> plane = Plane.YZ;
                    case 200 -> unit = INCH;
                    case 210 -> unit = 1;
                    case 280, 300 -> reference = true;
                    case 530 -> machine = true;
                    case 650 -> macro = true;
                    case 900 -> incremental = false;
                    case 910 -> incremental = true;
                    case 901 -> absoluteCentres = true;
                    case 911 -> absoluteCentres = false;
                    case 920 -> setOffsets = true;
                    case 921 -> Arrays.fill(offset, 0);
                    case 930, 940, 950 -> feedMode = code / 10;
                    case 980 -> returnToR = false;
                    case 990 -> returnToR = true;
                    default -> { } // in INTERPRETED_G without an effect on the programmed path
                }
            }
            if (b.has('F')) {
                feed = feedMode == 93 ? b.get('F') : b.get('F') * unit;
            }
            if (b.has('S')) {
                spindle = b.get('S');
            }
            if (b.has('T')) {
                double t = b.get('T');
                if (t < 0 || t != Math.rint(t) || t > Integer.MAX_VALUE) {
                    warn("not a tool number: T" + fmt(t));
                } else {
                    pendingTool = (int) t;
                    pendingComment = b.comment();
                }
            }
            if (b.hasM(6)) {
                toolChange();
            }
            if (newMotion != Integer.MIN_VALUE) {
                changeMotion(newMotion);
            }
            if (dwell) {
                seconds += b.has('P') ? pSeconds() : b.has('X') ? Math.abs(b.get('X')) : 0;
            } else if (setOffsets) {
                setOffsets();
            } else if (macro) {
                call("G65");
            } else if (machine) {
                known &= ~axisWordsMask();
            } else if (reference) {
                referenceReturn();
            } else if (!dataSetting) {
                move();
            }
            if (b.hasM(97)) {
                call("M97");
            }
            if (b.hasM(98)) {
                call("M98");
            }
        }

        private void changeMotion(int newMotion) {
            boolean wasCycle = motion > 3;
            if (newMotion > 3 && !wasCycle) {
                initialLevel = position[plane.normal];
                initialKnown = (known & (1 << plane.normal)) != 0;
            }
            if (newMotion <= 3) {
                rLevel = Double.NaN;
                depth = Double.NaN;
                peck = 0;
                dwellSeconds = 0;
            }
            motion = newMotion;
        }

        private void move() {
            boolean axes = b.hasAny(AXES);
            switch (motion) {
                case 0, 1 -> {
                    if (axes) {
                        linear(motion == 0, targetKnown());
                    }
                }
                case 2, 3 -> {
                    if (axes || b.hasAny(ARC_WORDS)) {
                        arc(motion == 2);
                    }
                }
                case NO_MOTION -> {
                    if (axes) {
                        warnOnce("no-motion", "axis words without a motion code (G0, G1, G2, G3 or a cycle):"
                                + " moved as rapids");
                        linear(true, targetKnown());
                    }
                }
                default -> {
                    if (axes || b.has('R')) {
                        cycle();
                    }
                }
            }
        }

        /** Fills {@link #target} from the block's X, Y, Z words; returns which of its axes are known. */
        private int targetKnown() {
            int targetKnown = 0;
            for (int a = 0; a < 3; a++) {
                char letter = (char) ('X' + a);
                int bit = 1 << a;
                if (b.has(letter)) {
                    double v = b.get(letter) * unit;
                    target[a] = incremental ? position[a] + v : v + offset[a];
                    targetKnown |= incremental ? known & bit : bit;
                } else {
                    target[a] = position[a];
                    targetKnown |= known & bit;
                }
            }
            return targetKnown;
        }

        private int axisWordsMask() {
            return (b.has('X') ? 1 : 0) | (b.has('Y') ? 2 : 0) | (b.has('Z') ? 4 : 0);
        }

        private void linear(boolean rapid, int targetKnown) {
            if (known == ALL_KNOWN && targetKnown == ALL_KNOWN) {
                double d = Math.sqrt(sq(target[0] - position[0]) + sq(target[1] - position[1])
                        + sq(target[2] - position[2]));
                if (d > 0) {
                    count(rapid, d);
                    if (sink != null) {
                        sink.accept(new Segment.Line(line, tool, rapid, point(position), point(target)));
                    }
                }
            }
            if (targetKnown == ALL_KNOWN) {
                extend(target[0], target[1], target[2]);
            }
            System.arraycopy(target, 0, position, 0, 3);
            known = targetKnown;
        }

        private void count(boolean rapid, double d) {
            if (rapid) {
                rapidDistance += d;
                seconds += d / options.rapidMmPerMin() * 60;
            } else {
                feedDistance += d;
                seconds += feedSeconds(d);
            }
        }

        private double feedSeconds(double d) {
            if (feedMode == 93) {
                if (feed > 0) {
                    return 60 / feed;
                }
                warnOnce("no-feed", "inverse-time feed (G93) moves without F: their time is not counted");
                return 0;
            }
            double rate = feedMode == 95 ? feed * spindle : feed;
            if (rate > 0) {
                return d / rate * 60;
            }
            warnOnce("no-feed", feedMode == 95 && feed > 0
                    ? "feed per revolution (G95) with no spindle speed (S): the time of these moves is not counted"
                    : "feed moves without a feed rate (F): their time is not counted");
            return 0;
        }

        private void arc(boolean clockwise) {
            int targetKnown = targetKnown();
            int p = plane.first;
            int q = plane.second;
            int n = plane.normal;
            int planeBits = (1 << p) | (1 << q);
            if ((known & planeBits) != planeBits || (targetKnown & planeBits) != planeBits) {
                warnOnce("arc-unknown", "arc from a position not programmed yet: drawn from where it ends");
                linear(false, targetKnown);
                return;
            }
            double sx = position[p];
            double sy = position[q];
            double ex = target[p];
            double ey = target[q];
            double cx;
            double cy;
            if (b.has('R')) {
                double r = b.get('R') * unit;
                double dx = ex - sx;
                double dy = ey - sy;
                double chord = hypot(dx, dy);
                if (chord < FULL_CIRCLE_TOLERANCE) {
                    warn("an R arc cannot end where it starts (a full circle needs I, J or K); moved straight");
                    linear(false, targetKnown);
                    return;
                }
                double half = chord / 2;
                double radius = Math.abs(r);
                if (radius < half - ARC_RADIUS_TOLERANCE) {
                    warn("arc radius R" + fmt(r) + " is smaller than half the distance to its end ("
                            + fmt(half) + " mm); moved straight");
                    linear(false, targetKnown);
                    return;
                }
                double h = radius > half ? Math.sqrt(radius * radius - half * half) : 0;
                // the centre is left of the chord for G3 with a positive R, right for G2
                double side = (clockwise ? -1 : 1) * (r < 0 ? -1 : 1);
                cx = (sx + ex) / 2 - side * h * dy / chord;
                cy = (sy + ey) / 2 + side * h * dx / chord;
            } else {
                char ci = (char) ('I' + p);
                char cj = (char) ('I' + q);
                if (!b.has(ci) && !b.has(cj)) {
                    warn("G" + (clockwise ? 2 : 3) + " without " + ci + "/" + cj + " or R for its plane; moved straight");
                    linear(false, targetKnown);
                    return;
                }
                cx = centre(ci, p, sx);
                cy = centre(cj, q, sy);
            }
            double startRadius = hypot(sx - cx, sy - cy);
            double endRadius = hypot(ex - cx, ey - cy);
            if (startRadius < FULL_CIRCLE_TOLERANCE) {
                warn("arc of zero radius; moved straight");
                linear(false, targetKnown);
                return;
            }
            if (Math.abs(startRadius - endRadius) > ARC_RADIUS_TOLERANCE) {
                warn("arc end is " + fmt(Math.abs(startRadius - endRadius))
                        + " mm off the circle through its start; moved straight");
                linear(false, targetKnown);
                return;
            }
            double startAngle = Math.atan2(sy - cy, sx - cx);
            double sweep;
            if (hypot(ex - sx, ey - sy) < FULL_CIRCLE_TOLERANCE) {
                sweep = 2 * Math.PI;
            } else {
                sweep = Math.atan2(ey - cy, ex - cx) - startAngle;
                if (clockwise) {
                    sweep = -sweep;
                }
                sweep = sweep % (2 * Math.PI);
                if (sweep <= 0) {
                    sweep += 2 * Math.PI;
                }
            }
            double radius = (startRadius + endRadius) / 2;
            double rise = (targetKnown & (1 << n)) != 0 && (known & (1 << n)) != 0 ? target[n] - position[n] : 0;
            double length = hypot(radius * sweep, rise);
            if (known == ALL_KNOWN && targetKnown == ALL_KNOWN) {
                count(false, length);
                extend(target[0], target[1], target[2]);
                // the quadrant points the arc passes through
                for (int k = 0; k < 4; k++) {
                    double angle = k * Math.PI / 2;
                    double travelled = clockwise ? startAngle - angle : angle - startAngle;
                    travelled = ((travelled % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
                    if (travelled <= sweep) {
                        double[] extreme = new double[3];
                        extreme[p] = cx + radius * Math.cos(angle);
                        extreme[q] = cy + radius * Math.sin(angle);
                        extreme[n] = position[n];
                        extend(extreme[0], extreme[1], extreme[2]);
                    }
                }
                if (sink != null) {
                    double[] centre = position.clone();
                    centre[p] = cx;
                    centre[q] = cy;
                    sink.accept(new Segment.Arc(line, tool, plane, point(position), point(target), point(centre),
                            radius, clockwise ? -sweep : sweep));
                }
            } else if (targetKnown == ALL_KNOWN) {
                extend(target[0], target[1], target[2]);
            }
            System.arraycopy(target, 0, position, 0, 3);
            known = targetKnown;
        }

        /** The arc centre on {@code axis}: incremental from the start (G91.1) or absolute (G90.1). */
        private double centre(char letter, int axis, double start) {
            if (!b.has(letter)) {
                return start;
            }
            double v = b.get(letter) * unit;
            return absoluteCentres ? v + offset[axis] : start + v;
        }

        private void cycle() {
            int n = plane.normal;
            char depthLetter = (char) ('X' + n);
            if (b.has('R')) {
                double r = b.get('R') * unit;
                rLevel = !incremental ? r + offset[n] : initialKnown ? initialLevel + r : Double.NaN;
            }
            if (b.has(depthLetter)) {
                double z = b.get(depthLetter) * unit;
                depth = incremental ? rLevel + z : z + offset[n];
            }
            if (b.has('Q')) {
                peck = Math.abs(b.get('Q') * unit);
            }
            if (b.has('P')) {
                dwellSeconds = pSeconds();
            }
            String name = "G" + motion;
            if (Double.isNaN(rLevel) || Double.isNaN(depth)) {
                warn(name + " without an R level and a depth (" + depthLetter + "); no hole drilled");
                return;
            }
            int repeats = 1;
            char repeatLetter = b.has('K') ? 'K' : b.has('L') ? 'L' : 0;
            if (repeatLetter != 0) {
                double k = b.get(repeatLetter);
                if (k < 0 || k != Math.rint(k) || k > 10_000) {
                    warn("repeat count " + repeatLetter + fmt(k) + " is not a whole number from 0 to 10000");
                    return;
                }
                repeats = (int) k;
            }
            for (int i = 0; i < repeats; i++) {
                if (strokeBudget <= 0) {
                    warnOnce("strokes", "more than " + MAX_CYCLE_STROKES + " canned-cycle strokes: later holes are"
                            + " not drilled");
                    return;
                }
                int targetKnown = known;
                for (int a : new int[] {plane.first, plane.second}) {
                    char letter = (char) ('X' + a);
                    if (b.has(letter)) {
                        double v = b.get(letter) * unit;
                        target[a] = incremental ? position[a] + v : v + offset[a];
                        targetKnown |= incremental ? 0 : 1 << a;
                    } else {
                        target[a] = position[a];
                    }
                }
                target[n] = position[n];
                if ((targetKnown & ALL_KNOWN) != ALL_KNOWN) {
                    warn(name + " from a position not programmed yet; no hole drilled");
                    System.arraycopy(target, 0, position, 0, 3);
                    known = targetKnown;
                    return;
                }
                hole(name);
            }
        }

        /** One hole at {@link #target}'s plane position: position, strokes along the normal, retract. */
        private void hole(String name) {
            int n = plane.normal;
            linear(true, ALL_KNOWN);
            double start = position[n];
            double initial = initialKnown ? initialLevel : start;
            stroke(true, rLevel);
            if (sink != null) {
                double[] top = position.clone();
                double[] bottom = position.clone();
                bottom[n] = depth;
                sink.accept(new Segment.Hole(line, tool, name, plane, point(top), point(bottom)));
            }
            double retract = returnToR ? rLevel : initial;
            switch (motion) {
                case 83 -> {
                    if (peck <= 0 || Math.abs(depth - rLevel) / peck > 1000) {
                        warnOnce("G83-Q", "G83 without a peck depth Q, or with more than 1000 pecks:"
                                + " drilled in one stroke");
                        stroke(false, depth);
                    } else {
                        double direction = Math.signum(depth - rLevel);
                        double reached = rLevel;
                        while (Math.abs(depth - reached) > 1e-9) {
                            if (reached != rLevel) {
                                stroke(true, reached);
                            }
                            double next = Math.abs(depth - reached) <= peck ? depth : reached + direction * peck;
                            stroke(false, next);
                            reached = next;
                            if (reached != depth) {
                                stroke(true, rLevel);
                            }
                        }
                    }
                    stroke(true, retract);
                }
                case 74, 84, 85, 89 -> {
                    stroke(false, depth);
                    if (motion != 85) {
                        seconds += dwellSeconds;
                    }
                    stroke(false, rLevel);
                    stroke(true, retract);
                }
                case 87 -> {
                    stroke(false, depth);
                    stroke(true, initial);
                }
                default -> {
                    stroke(false, depth);
                    if (motion == 76 || motion == 82 || motion == 88) {
                        seconds += dwellSeconds;
                    }
                    stroke(true, retract);
                }
            }
        }

        /** A move along the drilling axis to {@code level}. */
        private void stroke(boolean rapid, double level) {
            strokeBudget--;
            System.arraycopy(position, 0, target, 0, 3);
            target[plane.normal] = level;
            linear(rapid, ALL_KNOWN);
        }

        /** P of a dwell: seconds when written with a decimal point, milliseconds without. */
        private double pSeconds() {
            double p = Math.abs(b.get('P'));
            return b.decimal('P') ? p : p / 1000;
        }

        private void setOffsets() {
            for (int a = 0; a < 3; a++) {
                char letter = (char) ('X' + a);
                if (b.has(letter)) {
                    double v = b.get(letter) * unit;
                    if ((known & (1 << a)) != 0) {
                        offset[a] = position[a] - v;
                    } else {
                        position[a] = v + offset[a];
                        known |= 1 << a;
                    }
                }
            }
        }

        /** G28/G30: a rapid to the intermediate point; the reference position is not known. */
        private void referenceReturn() {
            if (!b.hasAny(AXES)) {
                return;
            }
            int axes = axisWordsMask();
            linear(true, targetKnown());
            known &= ~axes;
        }

        private void toolChange() {
            if (pendingTool < 0) {
                warn("M6 without a tool number (T)");
                return;
            }
            tool = pendingTool;
            seconds += options.toolChangeSeconds();
            if (toolNumbers.size() < ProgramFacts.MAX_TOOLS && toolNumbers.add(tool)) {
                String comment = b.comment();
                tools.add(new Tool(tool, comment != null ? comment : pendingComment, line));
            }
        }

        private void call(String name) {
            if (!b.has('P')) {
                warn(name + " without a program number P");
                return;
            }
            double p = b.get('P');
            double repeat = b.has('L') ? b.get('L') : 1;
            if (p < 0 || p != Math.rint(p) || repeat < 0 || repeat != Math.rint(repeat) || repeat > Integer.MAX_VALUE) {
                warn(name + " with P" + fmt(p) + " L" + fmt(repeat) + ": not whole numbers");
                return;
            }
            if (calls.size() < ProgramFacts.MAX_SUBPROGRAM_CALLS) {
                calls.add(new SubprogramCall(line, name, (long) p, (int) repeat));
            }
        }

        private void extend(double x, double y, double z) {
            if (x < min[0]) {
                min[0] = x;
            }
            if (x > max[0]) {
                max[0] = x;
            }
            if (y < min[1]) {
                min[1] = y;
            }
            if (y > max[1]) {
                max[1] = y;
            }
            if (z < min[2]) {
                min[2] = z;
            }
            if (z > max[2]) {
                max[2] = z;
            }
        }

        private void warn(String message) {
            warningCount++;
            if (warnings.size() < ProgramFacts.MAX_WARNINGS) {
                warnings.add(new Warning(line, message));
            }
        }

        private void warnOnce(String key, String message) {
            if (warnedOnce.size() < ProgramFacts.MAX_WARNINGS && warnedOnce.add(key)) {
                warn(message + " (reported once)");
            }
        }
    }

    private static Point point(double[] p) {
        return new Point(p[0], p[1], p[2]);
    }

    /** Math.hypot guards against overflow that millimetres never reach, and is several times slower. */
    private static double hypot(double a, double b) {
        return Math.sqrt(a * a + b * b);
    }

    private static double sq(double v) {
        return v * v;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(round3(v));
    }

    private static String codeText(int code10) {
        return code10 % 10 == 0 ? Integer.toString(code10 / 10) : code10 / 10 + "." + code10 % 10;
    }
}
