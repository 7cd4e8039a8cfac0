package com.ncvault.nc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ncvault.nc.ProgramFacts.Tool;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

class BackplotTest {

    /** Two tools: a rapid approach, a line, a G2 half circle, and two drilled holes. */
    private static final String PART = """
            %
            O4321 (PLATE)
            T12 M6 (10MM <ENDMILL> & "CO")
            G90 G17 G0 X0 Y0 Z10.
            G1 Z-1. F500.
            G1 X60.
            G2 X100. Y0 R20.
            G0 Z10.
            T3 M6 (Ø6.8 BOHRER)
            G0 X20. Y50.
            G98 G81 X20. Y50. Z-5. R2. F200.
            X40.
            G80
            M30
            %
            """;

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    static List<Element> all(Document doc, String xpath) throws Exception {
        NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET);
        List<Element> list = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            list.add((Element) nodes.item(i));
        }
        return list;
    }

    static List<String> texts(Document doc, String xpath) throws Exception {
        return all(doc, xpath).stream().map(Node::getTextContent).toList();
    }

    @Test
    void the_top_view_draws_dashed_rapids_solid_feeds_arcs_holes_scale_and_a_legend_per_tool() throws Exception {
        Document doc = parse(Backplot.svg(bytes(PART), NcOptions.DEFAULTS, View.XY));
        Element svg = doc.getDocumentElement();
        assertThat(svg.getTagName()).isEqualTo("svg");
        assertThat(svg.getAttribute("xmlns")).isEqualTo("http://www.w3.org/2000/svg");
        // extents X 0..100, Y 0..50 (the G2 half circle from X60 to X100 rises to Y20): size 100,
        // margin 5, y flipped so the top edge is at -55
        String[] box = svg.getAttribute("viewBox").split(" ");
        assertThat(box).startsWith("-5", "-55", "110");
        assertThat(Double.parseDouble(box[3])).isGreaterThan(60); // 60 of drawing plus the legend strip

        List<Element> tools = all(doc, "//g[@class='tool']");
        assertThat(tools).extracting(t -> t.getAttribute("data-tool")).containsExactly("12", "3");
        assertThat(tools.get(0).getAttribute("stroke")).isNotEqualTo(tools.get(1).getAttribute("stroke"));

        Element feed = all(doc, "//g[@data-tool='12']/path[@class='feed']").get(0);
        assertThat(feed.hasAttribute("stroke-dasharray")).isFalse();
        // X0 -> X60 then the G2 half circle of radius 20 to X100, clockwise: SVG sweep flag 1
        assertThat(feed.getAttribute("d")).isEqualTo("M0 0L60 0A20 20 0 0 1 100 0");
        Element rapid = all(doc, "//g[@data-tool='3']/path[@class='rapid']").get(0);
        assertThat(rapid.getAttribute("stroke-dasharray")).isNotEmpty();

        List<Element> holes = all(doc, "//circle[@class='hole']");
        assertThat(holes).extracting(h -> h.getAttribute("cx") + "," + h.getAttribute("cy"))
                .containsExactly("20,-50", "40,-50");
        assertThat(holes).extracting(h -> h.getAttribute("data-line")).containsExactly("11", "12");

        // a quarter of the 110 mm width rounds down to 20 mm
        assertThat(texts(doc, "//g[@class='scale']/text")).containsExactly("20 mm");
        assertThat(texts(doc, "//g[@class='legend']//text"))
                .contains("T12 10MM <ENDMILL> & \"CO\"", "T3 Ø6.8 BOHRER", "feed", "rapid");
        assertThat(texts(doc, "/svg/title")).containsExactly("O4321, view XY");
    }

    @Test
    void a_side_view_draws_arcs_of_another_plane_as_polylines_and_holes_as_strokes() throws Exception {
        Document doc = parse(Backplot.svg(bytes(PART), NcOptions.DEFAULTS, View.XZ));
        String feed = all(doc, "//g[@data-tool='12']/path[@class='feed']").get(0).getAttribute("d");
        assertThat(feed).doesNotContain("A");
        // the plunge to Z-1 is seen, and the half circle flattens onto the line from X60 to X100
        assertThat(feed).startsWith("M0 -10L0 1L").endsWith("L100 1");
        assertThat(all(doc, "//circle[@class='hole']")).isEmpty();
        String drill = all(doc, "//g[@data-tool='3']/path[@class='feed']").get(0).getAttribute("d");
        assertThat(drill).contains("M20 -2L20 5", "M40 -2L40 5");
    }

    @Test
    void arcs_of_the_view_plane_are_svg_arcs_with_the_turn_seen_in_that_view() throws Exception {
        // G18 G2 from Z0 to Z20 bulges to +X: in the front view (X right, Z up) it turns counter-clockwise
        String g18 = "G90 G18 G0 X0 Y0 Z0\nG2 X0 Z20. R10. F100.\n";
        String xz = all(parse(Backplot.svg(bytes(g18), NcOptions.DEFAULTS, View.XZ)), "//path[@class='feed']")
                .get(0).getAttribute("d");
        assertThat(xz).isEqualTo("M0 0A10 10 0 0 0 0 -20");

        // a G3 full circle in XY is two half arcs, counter-clockwise (sweep flag 0)
        String circle = "G90 G17 G0 X10. Y0 Z0\nG3 I-10. F100.\n";
        String xy = all(parse(Backplot.svg(bytes(circle), NcOptions.DEFAULTS, View.XY)), "//path[@class='feed']")
                .get(0).getAttribute("d");
        assertThat(xy).isEqualTo("M10 0A10 10 0 0 0 -10 0A10 10 0 0 0 10 0");

        // G19 in the side view (Y right, Z up): G3 from Y0 to Y20 around Y10 dips to Z-10, counter-clockwise
        String g19 = "G90 G19 G0 X0 Y0 Z0\nG3 Y20. J10. F100.\n";
        String yz = all(parse(Backplot.svg(bytes(g19), NcOptions.DEFAULTS, View.YZ)), "//path[@class='feed']")
                .get(0).getAttribute("d");
        assertThat(yz).isEqualTo("M0 0A10 10 0 0 0 20 0");
    }

    @Test
    void consecutive_collinear_moves_are_merged_into_one_line() throws Exception {
        StringBuilder program = new StringBuilder("G90 G0 X0 Y0 Z0\nG1 F1000.\n");
        for (int i = 1; i <= 1000; i++) {
            program.append("X").append(i * 0.1).append('\n');
        }
        program.append("Y50.\n");
        String d = all(parse(Backplot.svg(bytes(program.toString()), NcOptions.DEFAULTS, View.XY)),
                "//path[@class='feed']").get(0).getAttribute("d");
        assertThat(d).isEqualTo("M0 0L100 0L100 -50");
    }

    @Test
    void a_huge_program_is_capped_and_says_so() throws Exception {
        byte[] program = SyntheticProgram.generate(2_000_000, 7);
        String svg = Backplot.svg(program, NcOptions.DEFAULTS, View.XY, 2_000);
        Document doc = parse(svg);
        assertThat(svg).containsPattern("<!-- \\d+ of \\d+ segments not drawn: a drawing is capped at 2000 path commands -->");
        assertThat(svg.length()).isLessThan(150_000);
        assertThat(all(doc, "//g[@class='tool']")).isNotEmpty();

        String full = Backplot.svg(program, NcOptions.DEFAULTS, View.XY);
        assertThat(full.length()).isLessThan(2_000_000);
        parse(full);
    }

    @Test
    void an_empty_program_still_gives_a_well_formed_drawing() throws Exception {
        Document doc = parse(Backplot.svg(bytes("%\n(NOTHING HERE)\n%\n"), NcOptions.DEFAULTS, View.YZ));
        assertThat(texts(doc, "//text[@class='empty']")).containsExactly("no moves");
        assertThat(doc.getDocumentElement().getAttribute("data-view")).isEqualTo("yz");
    }

    @Test
    void junk_text_never_breaks_the_xml() throws Exception {
        byte[] noise = new byte[50_000];
        new java.util.Random(3).nextBytes(noise);
        parse(Backplot.svg(noise, NcOptions.DEFAULTS, View.XY));
        String evil = "T1 M6 (]]> <script>alert'1'</script> \u0001 &amp; --> <!--)\nG90 G0 X0 Y0 Z0\nG1 X5. F9.\n";
        Document doc = parse(Backplot.svg(bytes(evil), NcOptions.DEFAULTS, View.XY));
        assertThat(all(doc, "//script")).isEmpty();
        assertThat(texts(doc, "//g[@class='legend']//text").get(0)).startsWith("T1 ]]> <script>");
        parse(Backplot.overlay(bytes(evil), "rev <1> & \"x\"", noise, "rev 2 -->", NcOptions.DEFAULTS, View.XY));
    }

    @Test
    void an_overlay_emphasises_what_moved_and_draws_what_stayed_faint() throws Exception {
        String before = """
                T1 M6
                G90 G0 X0 Y0 Z5.
                G1 Z0 F300.
                X50.
                Y30.
                X0
                G0 Z5.
                G0 X20. Y10.
                G1 Z-2.
                X30.
                G0 Z5.
                """;
        // the pocket at the end moved 2 mm in Y; the outline stayed
        String after = before.replace("G0 X20. Y10.", "G0 X20. Y12.");
        String svg = Backplot.overlay(bytes(before), "rev 1.2", bytes(after), "rev 1.3", NcOptions.DEFAULTS, View.XY);
        Document doc = parse(svg);

        Element same = all(doc, "//g[@class='same']").get(0);
        Element onlyFrom = all(doc, "//g[@class='only-from']").get(0);
        Element onlyTo = all(doc, "//g[@class='only-to']").get(0);
        assertThat(Double.parseDouble(same.getAttribute("stroke-opacity"))).isLessThan(1);
        double faint = Double.parseDouble(all(doc, "//g[@class='same']/path").get(0).getAttribute("stroke-width"));
        double bold = Double.parseDouble(all(doc, "//g[@class='only-to']/path").get(0).getAttribute("stroke-width"));
        assertThat(bold).isGreaterThan(faint);
        assertThat(onlyFrom.getAttribute("stroke")).isNotEqualTo(onlyTo.getAttribute("stroke"));

        // the outline and the moves up and down to it are the same in both (5 segments); the rapid to
        // the pocket, its plunge, its line and the retract differ (4 in each)
        assertThat(all(doc, "//g[@class='same']/path[@class='feed']").get(0).getAttribute("d"))
                .isEqualTo("M0 0L50 0L50 -30L0 -30");
        assertThat(all(doc, "//g[@class='only-from']/path[@class='feed']").get(0).getAttribute("d"))
                .isEqualTo("M20 -10L30 -10");
        assertThat(all(doc, "//g[@class='only-to']/path[@class='feed']").get(0).getAttribute("d"))
                .isEqualTo("M20 -12L30 -12");
        assertThat(texts(doc, "//g[@class='legend']//text"))
                .contains("only in rev 1.2 (4)", "only in rev 1.3 (4)", "in both (5)");
    }

    @Test
    void programs_in_files_are_streamed_and_drawn_as_from_memory(@TempDir Path dir)
            throws Exception {
        Path before = Files.write(dir.resolve("a.nc"), bytes(PART));
        Path after = Files.write(dir.resolve("b.nc"), bytes(PART.replace("X60.", "X70.")));
        List<InputStream> opened = new ArrayList<>();
        ProgramSource counted = () -> {
            InputStream in = new BufferedInputStream(Files.newInputStream(before)) {
                @Override
                public void close() throws IOException {
                    opened.remove(this);
                    super.close();
                }
            };
            opened.add(in);
            return in;
        };

        assertThat(Backplot.svg(counted, NcOptions.DEFAULTS, View.XY))
                .isEqualTo(Backplot.svg(bytes(PART), NcOptions.DEFAULTS, View.XY));
        assertThat(Backplot.overlay(counted, "a", ProgramSource.of(after), "b", NcOptions.DEFAULTS, View.XZ))
                .isEqualTo(Backplot.overlay(bytes(PART), "a", bytes(PART.replace("X60.", "X70.")), "b",
                        NcOptions.DEFAULTS, View.XZ));
        assertThat(opened).as("streams left open").isEmpty();
        assertThatThrownBy(() -> Backplot.svg(ProgramSource.of(dir.resolve("gone.nc")), NcOptions.DEFAULTS, View.XY))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void an_overlay_of_equal_programs_has_nothing_emphasised() throws Exception {
        // a plunge 5 µm deeper moves every point of the path after it by less than the tolerance
        String svg = Backplot.overlay(bytes(PART), "a", bytes(PART.replace("Z-1.", "Z-1.005")), "b",
                NcOptions.DEFAULTS, View.XY);
        Document doc = parse(svg);
        assertThat(all(doc, "//g[@class='only-from']/*")).isEmpty();
        assertThat(all(doc, "//g[@class='only-to']/*")).isEmpty();
        assertThat(all(doc, "//g[@class='same']//circle[@class='hole']")).hasSize(2);
    }

    @Test
    void the_tool_list_difference_names_added_removed_and_recommented_tools() {
        List<Tool> from = List.of(new Tool(1, "FACE MILL", 3), new Tool(2, "6MM DRILL", 20), new Tool(5, null, 40));
        List<Tool> to = List.of(new Tool(1, "FACE MILL", 3), new Tool(2, "6.8MM DRILL", 22), new Tool(7, "TAP M8", 50));
        ToolListDiff diff = ToolListDiff.between(from, to);
        assertThat(diff.added()).containsExactly(new Tool(7, "TAP M8", 50));
        assertThat(diff.removed()).containsExactly(new Tool(5, null, 40));
        assertThat(diff.changed()).containsExactly(new ToolListDiff.Change(2, "6MM DRILL", "6.8MM DRILL"));
        assertThat(ToolListDiff.between(from, from).isEmpty()).isTrue();
    }

    @Test
    void a_view_is_xy_xz_or_yz() {
        assertThat(View.parse("xz")).isEqualTo(View.XZ);
        assertThat(View.parse("YZ")).isEqualTo(View.YZ);
        assertThatThrownBy(() -> View.parse("iso")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> View.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_scale_bar_is_a_round_length() {
        assertThat(Backplot.roundLength(27.5)).isEqualTo(20);
        assertThat(Backplot.roundLength(7)).isEqualTo(5);
        assertThat(Backplot.roundLength(0.3)).isEqualTo(0.2, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(Backplot.roundLength(1000)).isEqualTo(1000);
    }
}
