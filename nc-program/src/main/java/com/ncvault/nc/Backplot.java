package com.ncvault.nc;

import com.ncvault.nc.ProgramFacts.Extents;
import com.ncvault.nc.ProgramFacts.Point;
import com.ncvault.nc.ProgramFacts.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws a program's toolpath as SVG, or two programs over each other with what differs emphasised.
 * Conventions (docs/nc-program.md): millimetre user units, +Y (or +Z) up, rapids dashed, feeds
 * solid, a colour per tool from a fixed palette with a legend, arcs in the view's plane as SVG
 * arcs and others as polylines, drilled holes as circles when the view looks along the drill, a
 * scale bar of a round length, a viewBox fitted to the extents with margins. The output is bounded:
 * collinear moves are merged and at most {@link #MAX_COMMANDS} path commands are drawn, which a
 * comment in the SVG says when it happens.
 */
public final class Backplot {

    /** Path commands (and hole marks) drawn at most; keeps the SVG under about a megabyte. */
    public static final int MAX_COMMANDS = 20_000;

    /** Segments of each program compared by an overlay at most. */
    public static final int MAX_COMPARED_SEGMENTS = 200_000;

    /** Segments of two programs closer than this on every axis (mm) are the same. */
    public static final double SAME_TOLERANCE = 0.01;

    /** Colours of tools in order of first use. */
    static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};
    static final String FROM_COLOUR = "#1f6fd1";
    static final String TO_COLOUR = "#e8590c";
    static final String SAME_COLOUR = "#8a8f98";
    private static final String INK = "#333333";
    private static final int PIXELS = 800;
    private static final int LEGEND_TEXT = 48;

    private Backplot() {
    }

    public static String svg(byte[] program, NcOptions options, View view) {
        return unchecked(() -> svg(ProgramSource.of(program), options, view, MAX_COMMANDS));
    }

    /** The drawing of a program read from {@code source} (twice, streamed); only its I/O can fail. */
    public static String svg(ProgramSource source, NcOptions options, View view) throws IOException {
        return svg(source, options, view, MAX_COMMANDS);
    }

    static String svg(byte[] program, NcOptions options, View view, int maxCommands) {
        return unchecked(() -> svg(ProgramSource.of(program), options, view, maxCommands));
    }

    static String svg(ProgramSource source, NcOptions options, View view, int maxCommands) throws IOException {
        ProgramFacts facts = interpret(source, options, null);
        Frame frame = new Frame(view, facts.extents(), null);
        Map<Integer, Layer> layers = new LinkedHashMap<>();
        int[] counts = new int[2]; // all segments, drawn segments
        interpret(source, options, segment -> {
            counts[0]++;
            if (commands(layers.values()) < maxCommands) {
                Layer layer = layers.computeIfAbsent(segment.tool(),
                        t -> new Layer("tool", PALETTE[layers.size() % PALETTE.length], 1.2, 1, frame));
                frame.draw(segment, layer);
                counts[1]++;
            }
        });
        StringBuilder out = new StringBuilder(1 << 16);
        List<Entry> legend = new ArrayList<>();
        for (Map.Entry<Integer, Layer> e : layers.entrySet()) {
            legend.add(new Entry(e.getValue().colour, 1.2, 1, false, toolLabel(e.getKey(), facts.tools())));
        }
        legend.add(new Entry(INK, 1.2, 1, false, "feed"));
        legend.add(new Entry(INK, 1, 1, true, "rapid"));
        String title = (facts.programNumber() == null ? "program" : "O" + facts.programNumber())
                + ", view " + view.axisNames();
        frame.open(out, title, legend.size());
        if (counts[1] < counts[0]) {
            out.append("<!-- ").append(counts[0] - counts[1]).append(" of ").append(counts[0])
                    .append(" segments not drawn: a drawing is capped at ").append(maxCommands)
                    .append(" path commands -->\n");
        }
        out.append("<g class=\"toolpath\" fill=\"none\" stroke-linecap=\"round\" stroke-linejoin=\"round\">\n");
        for (Map.Entry<Integer, Layer> e : layers.entrySet()) {
            e.getValue().write(out, " data-tool=\"" + e.getKey() + "\"");
        }
        out.append("</g>\n");
        frame.close(out, legend, facts.extents() == null);
        return out.toString();
    }

    /**
     * Two programs over each other: segments only in {@code from} in one colour, segments only in
     * {@code to} in another, both thick; segments equal within {@link #SAME_TOLERANCE} thin and faint.
     * The labels (e.g. revision names) go into the legend.
     */
    public static String overlay(byte[] from, String fromLabel, byte[] to, String toLabel, NcOptions options,
            View view) {
        return overlay(from, fromLabel, to, toLabel, options, view, MAX_COMMANDS);
    }

    /** The overlay of two programs read from their sources (each once, streamed); only their I/O can fail. */
    public static String overlay(ProgramSource from, String fromLabel, ProgramSource to, String toLabel,
            NcOptions options, View view) throws IOException {
        return overlay(from, fromLabel, to, toLabel, options, view, MAX_COMMANDS);
    }

    static String overlay(byte[] from, String fromLabel, byte[] to, String toLabel, NcOptions options,
            View view, int maxCommands) {
        return unchecked(() -> overlay(ProgramSource.of(from), fromLabel, ProgramSource.of(to), toLabel, options,
                view, maxCommands));
    }

    static String overlay(ProgramSource from, String fromLabel, ProgramSource to, String toLabel,
            NcOptions options, View view, int maxCommands) throws IOException {
        List<Segment> before = new ArrayList<>();
        List<Segment> after = new ArrayList<>();
        ProgramFacts fromFacts = interpret(from, options, capped(before));
        ProgramFacts toFacts = interpret(to, options, capped(after));
        Frame frame = new Frame(view, fromFacts.extents(), toFacts.extents());

        SameSegments index = new SameSegments(before, SAME_TOLERANCE);
        List<Segment> same = new ArrayList<>();
        List<Segment> added = new ArrayList<>();
        for (Segment s : after) {
            (index.take(s) == SameSegments.NONE ? added : same).add(s);
        }
        List<Segment> removed = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            if (!index.taken(i)) {
                removed.add(before.get(i));
            }
        }
        Layer sameLayer = new Layer("same", SAME_COLOUR, 1, 0.45, frame);
        Layer removedLayer = new Layer("only-from", FROM_COLOUR, 2.6, 1, frame);
        Layer addedLayer = new Layer("only-to", TO_COLOUR, 2.6, 1, frame);
        List<Layer> all = List.of(sameLayer, removedLayer, addedLayer);
        // differences get the budget first: they are the point of the picture
        int drawn = draw(removed, removedLayer, frame, all, maxCommands)
                + draw(added, addedLayer, frame, all, maxCommands)
                + draw(same, sameLayer, frame, all, maxCommands);
        int total = removed.size() + added.size() + same.size();

        List<Entry> legend = List.of(
                new Entry(FROM_COLOUR, 2.6, 1, false, "only in " + fromLabel + " (" + removed.size() + ")"),
                new Entry(TO_COLOUR, 2.6, 1, false, "only in " + toLabel + " (" + added.size() + ")"),
                new Entry(SAME_COLOUR, 1, 0.45, false, "in both (" + same.size() + ")"),
                new Entry(INK, 1, 1, true, "rapid"));
        StringBuilder out = new StringBuilder(1 << 16);
        frame.open(out, fromLabel + " and " + toLabel + ", view " + view.axisNames(), legend.size());
        if (before.size() >= MAX_COMPARED_SEGMENTS || after.size() >= MAX_COMPARED_SEGMENTS) {
            out.append("<!-- only the first ").append(MAX_COMPARED_SEGMENTS)
                    .append(" segments of each program are compared -->\n");
        }
        if (drawn < total) {
            out.append("<!-- ").append(total - drawn).append(" of ").append(total)
                    .append(" segments not drawn: a drawing is capped at ").append(maxCommands)
                    .append(" path commands, differences first -->\n");
        }
        out.append("<g class=\"overlay\" fill=\"none\" stroke-linecap=\"round\" stroke-linejoin=\"round\">\n");
        for (Layer layer : all) {
            layer.write(out, "");
        }
        out.append("</g>\n");
        frame.close(out, legend, fromFacts.extents() == null && toFacts.extents() == null);
        return out.toString();
    }

    private static ProgramFacts interpret(ProgramSource source, NcOptions options,
            java.util.function.Consumer<Segment> sink) throws IOException {
        try (InputStream in = source.open()) {
            return NcInterpreter.interpret(in, options, sink);
        }
    }

    private interface Drawing {
        String draw() throws IOException;
    }

    /** A drawing of bytes in memory, which cannot fail to be read. */
    private static String unchecked(Drawing drawing) {
        try {
            return drawing.draw();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.util.function.Consumer<Segment> capped(List<Segment> list) {
        return s -> {
            if (list.size() < MAX_COMPARED_SEGMENTS) {
                list.add(s);
            }
        };
    }

    private static int draw(List<Segment> segments, Layer layer, Frame frame, List<Layer> all, int maxCommands) {
        int drawn = 0;
        for (Segment s : segments) {
            if (commands(all) >= maxCommands) {
                break;
            }
            frame.draw(s, layer);
            drawn++;
        }
        return drawn;
    }

    private static int commands(Iterable<Layer> layers) {
        int sum = 0;
        for (Layer layer : layers) {
            sum += layer.commands();
        }
        return sum;
    }

    private static String toolLabel(int number, List<Tool> tools) {
        if (number == 0) {
            return "before the first tool change";
        }
        for (Tool tool : tools) {
            if (tool.number() == number && tool.comment() != null) {
                String label = "T" + number + " " + tool.comment();
                return label.length() > LEGEND_TEXT ? label.substring(0, LEGEND_TEXT) + "…" : label;
            }
        }
        return "T" + number;
    }

    /** A legend line: a sample stroke and its text. */
    private record Entry(String colour, double width, double opacity, boolean dashed, String text) { }

    /** What one colour draws: feeds, rapids and hole marks. */
    private static final class Layer {
        final String name;
        final String colour;
        final double width;
        final double opacity;
        final PathData feed;
        final PathData rapid;
        final StringBuilder holes = new StringBuilder();
        int holeCount;

        Layer(String name, String colour, double width, double opacity, Frame frame) {
            this.name = name;
            this.colour = colour;
            this.width = width;
            this.opacity = opacity;
            this.feed = new PathData(frame.tolerance);
            this.rapid = new PathData(frame.tolerance);
        }

        int commands() {
            return feed.commands() + rapid.commands() + holeCount;
        }

        void write(StringBuilder out, String attributes) {
            out.append("<g class=\"").append(name).append('"').append(attributes).append(" stroke=\"").append(colour)
                    .append("\" stroke-opacity=\"").append(opacity).append("\">\n");
            if (!feed.isEmpty()) {
                out.append("<path class=\"feed\" stroke-width=\"").append(width)
                        .append("\" vector-effect=\"non-scaling-stroke\" d=\"").append(feed.data()).append("\"/>\n");
            }
            if (!rapid.isEmpty()) {
                out.append("<path class=\"rapid\" stroke-width=\"").append(width * 0.8)
                        .append("\" stroke-dasharray=\"4 3\" vector-effect=\"non-scaling-stroke\" d=\"")
                        .append(rapid.data()).append("\"/>\n");
            }
            if (holeCount > 0) {
                out.append("<g class=\"holes\" fill=\"").append(colour).append("\" fill-opacity=\"0.2\" stroke-width=\"")
                        .append(width).append("\">\n").append(holes).append("</g>\n");
            }
            out.append("</g>\n");
        }
    }

    /** The drawing area in the view, its viewBox with the legend strip below, and the projection. */
    private static final class Frame {
        final View view;
        final double left;
        final double top;
        final double width;
        final double height;
        final double font;
        final double tolerance;
        final double holeRadius;
        private double legendHeight;
        private int columns;

        Frame(View view, Extents a, Extents b) {
            this.view = view;
            double u0 = Double.MAX_VALUE;
            double u1 = -Double.MAX_VALUE;
            double v0 = Double.MAX_VALUE;
            double v1 = -Double.MAX_VALUE;
            for (Extents e : new Extents[] {a, b}) {
                if (e != null) {
                    u0 = Math.min(u0, coord(e.min(), view.u));
                    u1 = Math.max(u1, coord(e.max(), view.u));
                    v0 = Math.min(v0, coord(e.min(), view.v));
                    v1 = Math.max(v1, coord(e.max(), view.v));
                }
            }
            if (u0 > u1) {
                u0 = 0;
                v0 = 0;
                u1 = 100;
                v1 = 100;
            }
            double size = Math.max(1, Math.max(u1 - u0, v1 - v0));
            // a flat view (a 2D path seen from the front) still gets some height
            double grow = Math.max(0, size * 0.1 - (u1 - u0)) / 2;
            u0 -= grow;
            u1 += grow;
            grow = Math.max(0, size * 0.1 - (v1 - v0)) / 2;
            v0 -= grow;
            v1 += grow;
            double margin = size * 0.05;
            left = u0 - margin;
            top = -v1 - margin;
            width = u1 - u0 + 2 * margin;
            height = v1 - v0 + 2 * margin;
            font = Math.max(width, height) / 45;
            tolerance = Math.max(width, height) / 4000;
            holeRadius = Math.max(width, height) / 150;
        }

        void draw(Segment segment, Layer layer) {
            if (segment instanceof Segment.Line l) {
                double u0 = coord(l.from(), view.u);
                double v0 = coord(l.from(), view.v);
                double u1 = coord(l.to(), view.u);
                double v1 = coord(l.to(), view.v);
                if (u0 != u1 || v0 != v1) {
                    (l.rapid() ? layer.rapid : layer.feed).line(u0, v0, u1, v1);
                }
            } else if (segment instanceof Segment.Arc a) {
                arc(a, layer.feed);
            } else if (segment instanceof Segment.Hole h && h.plane().normal == view.normal()) {
                layer.holes.append("<circle class=\"hole\" data-line=\"").append(h.line()).append("\" cx=\"");
                Xml.number(layer.holes, coord(h.top(), view.u)).append("\" cy=\"");
                Xml.number(layer.holes, -coord(h.top(), view.v)).append("\" r=\"");
                Xml.number(layer.holes, holeRadius).append("\" vector-effect=\"non-scaling-stroke\"/>\n");
                layer.holeCount++;
            }
        }

        private void arc(Segment.Arc a, PathData path) {
            if (a.plane() == view.plane) {
                boolean counterClockwise = a.sweep() * view.orientation() > 0;
                if (Math.abs(a.sweep()) > 2 * Math.PI - 1e-9) {
                    // SVG cannot draw a full circle in one arc: two halves
                    Point half = a.pointAt(0.5);
                    svgArc(path, a.from(), half, a.radius(), false, counterClockwise);
                    svgArc(path, half, a.to(), a.radius(), false, counterClockwise);
                } else {
                    svgArc(path, a.from(), a.to(), a.radius(), Math.abs(a.sweep()) > Math.PI, counterClockwise);
                }
                return;
            }
            int pieces = Math.max(2, (int) Math.ceil(Math.abs(a.sweep()) / Math.toRadians(10)));
            Point previous = a.from();
            for (int i = 1; i <= pieces; i++) {
                Point next = i == pieces ? a.to() : a.pointAt((double) i / pieces);
                double u0 = coord(previous, view.u);
                double v0 = coord(previous, view.v);
                double u1 = coord(next, view.u);
                double v1 = coord(next, view.v);
                if (u0 != u1 || v0 != v1) {
                    path.line(u0, v0, u1, v1);
                }
                previous = next;
            }
        }

        private void svgArc(PathData path, Point from, Point to, double radius, boolean large, boolean ccw) {
            path.arc(coord(from, view.u), coord(from, view.v), radius, large, ccw,
                    coord(to, view.u), coord(to, view.v));
        }

        /** The SVG element with a viewBox over the drawing and a legend strip of {@code entries}. */
        void open(StringBuilder out, String title, int entries) {
            columns = Math.max(1, (int) (width / (font * 16)));
            int rows = 1 + (entries + columns - 1) / columns;
            legendHeight = rows * font * 1.8 + font;
            double totalHeight = height + legendHeight;
            double scale = PIXELS / Math.max(width, totalHeight);
            out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                    .append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"nc-backplot\" data-view=\"")
                    .append(view.name().toLowerCase(java.util.Locale.ROOT)).append("\" viewBox=\"");
            Xml.number(out, left).append(' ');
            Xml.number(out, top).append(' ');
            Xml.number(out, width).append(' ');
            Xml.number(out, totalHeight).append("\" width=\"").append(Math.round(width * scale))
                    .append("\" height=\"").append(Math.round(totalHeight * scale))
                    .append("\" font-family=\"sans-serif\">\n<title>");
            Xml.text(out, title).append("</title>\n");
        }

        /** The scale bar, the legend and the end of the SVG element. */
        void close(StringBuilder out, List<Entry> legend, boolean empty) {
            double rowHeight = font * 1.8;
            double x = left + font;
            double y = top + height + rowHeight;
            if (empty) {
                out.append("<text class=\"empty\" fill=\"").append(INK).append("\" font-size=\"");
                Xml.number(out, font * 2).append("\" x=\"");
                Xml.number(out, left + width / 2).append("\" y=\"");
                Xml.number(out, top + height / 2).append("\" text-anchor=\"middle\">no moves</text>\n");
            }
            double bar = roundLength(width / 4);
            out.append("<g class=\"scale\" stroke=\"").append(INK).append("\" stroke-width=\"1.5\">\n");
            line(out, x, y, x + bar, y);
            line(out, x, y - font / 2, x, y + font / 2);
            line(out, x + bar, y - font / 2, x + bar, y + font / 2);
            text(out, x + bar + font / 2, y, Xml.number(bar) + " mm");
            out.append("</g>\n<g class=\"legend\" fill=\"none\">\n");
            double column = width / columns;
            for (int i = 0; i < legend.size(); i++) {
                Entry e = legend.get(i);
                double ex = x + (i % columns) * column;
                double ey = y + (1 + i / columns) * rowHeight;
                out.append("<g class=\"entry\" stroke=\"").append(e.colour()).append("\" stroke-width=\"")
                        .append(e.width()).append("\" stroke-opacity=\"").append(e.opacity()).append('"');
                if (e.dashed()) {
                    out.append(" stroke-dasharray=\"4 3\"");
                }
                out.append(">\n");
                line(out, ex, ey, ex + font * 2.5, ey);
                text(out, ex + font * 3, ey, e.text());
                out.append("</g>\n");
            }
            out.append("</g>\n</svg>\n");
        }

        private void line(StringBuilder out, double x1, double y1, double x2, double y2) {
            out.append("<line x1=\"");
            Xml.number(out, x1).append("\" y1=\"");
            Xml.number(out, y1).append("\" x2=\"");
            Xml.number(out, x2).append("\" y2=\"");
            Xml.number(out, y2).append("\" vector-effect=\"non-scaling-stroke\"/>\n");
        }

        private void text(StringBuilder out, double x, double y, String text) {
            out.append("<text stroke=\"none\" fill=\"").append(INK).append("\" font-size=\"");
            Xml.number(out, font).append("\" x=\"");
            Xml.number(out, x).append("\" y=\"");
            Xml.number(out, y + font * 0.35).append("\">");
            Xml.text(out, text).append("</text>\n");
        }
    }

    /** The largest 1, 2 or 5 times a power of ten that is at most {@code most} (mm). */
    static double roundLength(double most) {
        double power = Math.pow(10, Math.floor(Math.log10(most)));
        double m = most / power;
        return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * power;
    }

    private static double coord(Point p, int axis) {
        return Segment.coord(p, axis);
    }
}
