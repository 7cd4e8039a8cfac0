package com.ncvault.nc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ncvault.nc.ProgramFacts.Extents;
import com.ncvault.nc.ProgramFacts.SubprogramCall;
import com.ncvault.nc.ProgramFacts.Tool;
import com.ncvault.nc.ProgramFacts.Warning;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Hand-worked programs: each expected length, box and time below is worked out in the comments
 * from the geometry, not copied from a run.
 */
class NcInterpreterTest {

    private static final Offset<Double> MM = within(0.001);
    private static final Offset<Double> SECONDS = within(0.01);

    static ProgramFacts facts(String program) {
        return NcInterpreter.facts(program.getBytes(StandardCharsets.UTF_8), NcOptions.DEFAULTS);
    }

    static void assertBox(Extents e, double x0, double y0, double z0, double x1, double y1, double z1) {
        assertThat(e).isNotNull();
        assertThat(e.min().x()).as("min x").isCloseTo(x0, MM);
        assertThat(e.min().y()).as("min y").isCloseTo(y0, MM);
        assertThat(e.min().z()).as("min z").isCloseTo(z0, MM);
        assertThat(e.max().x()).as("max x").isCloseTo(x1, MM);
        assertThat(e.max().y()).as("max y").isCloseTo(y1, MM);
        assertThat(e.max().z()).as("max z").isCloseTo(z1, MM);
    }

    @Test
    void a_small_milling_program_gives_its_number_tool_box_lengths_and_time() {
        ProgramFacts f = facts("""
                %
                O1234 (BRACKET)
                G21 G90 G17
                T1 M6 (6MM ENDMILL)
                G0 X0 Y0 Z10.
                G1 Z0 F100.
                G1 X10.
                G3 X20. Y10. I0 J10.
                G1 Y20.
                G0 Z10.
                M30
                %
                """);
        // the first G0 starts from an unknown position, so it is not counted; then feeds of
        // 10 + 10 + a quarter circle of radius 10 (15.708) + 10, and a rapid of 10
        assertThat(f.programNumber()).isEqualTo(1234L);
        assertThat(f.units()).isEqualTo("mm");
        assertThat(f.lines()).isEqualTo(12);
        assertThat(f.tools()).containsExactly(new Tool(1, "6MM ENDMILL", 4));
        assertThat(f.feedDistance()).isCloseTo(30 + 5 * Math.PI, MM);
        assertThat(f.rapidDistance()).isCloseTo(10, MM);
        assertThat(f.estimatedSeconds()).isCloseTo((30 + 5 * Math.PI) / 100 * 60 + 10.0 / 10_000 * 60, SECONDS);
        assertBox(f.extents(), 0, 0, 0, 20, 20, 10);
        assertThat(f.warnings()).isEmpty();
        assertThat(f.subprograms()).isEmpty();
    }

    @Test
    void a_full_circle_in_ijk_reaches_all_four_quadrants() {
        ProgramFacts f = facts("""
                G90 G17 G0 X10. Y0 Z0
                G2 X10. Y0 I-10. J0 F600.
                """);
        assertThat(f.feedDistance()).isCloseTo(20 * Math.PI, MM);
        assertThat(f.estimatedSeconds()).isCloseTo(20 * Math.PI / 600 * 60, SECONDS);
        assertBox(f.extents(), -10, -10, 0, 10, 10, 0);
    }

    @Test
    void an_ijk_full_circle_without_end_words_is_a_circle_at_the_current_position() {
        ProgramFacts f = facts("""
                G90 G17 G0 X0 Y0 Z0
                G3 I5. F100.
                """);
        assertThat(f.feedDistance()).isCloseTo(10 * Math.PI, MM);
        assertBox(f.extents(), 0, -5, 0, 10, 5, 0);
    }

    @Test
    void g18_arcs_turn_clockwise_as_seen_from_plus_y() {
        // ZX plane, Z first: from Z0 to Z20 at X0 with R10 the centre is Z10 X0, and G2 (seen
        // from +Y, Z to the right, X up) goes over the top to X10
        ProgramFacts f = facts("""
                G90 G18 G0 X0 Y0 Z0
                G2 X0 Z20. R10. F100.
                """);
        assertThat(f.feedDistance()).isCloseTo(10 * Math.PI, MM);
        assertBox(f.extents(), 0, 0, 0, 10, 0, 20);
    }

    @Test
    void g18_arcs_take_their_centre_from_i_and_k() {
        // same half circle with the centre given as K10 (I0): then G3 goes under, to X-10
        ProgramFacts f = facts("""
                G90 G18 G0 X0 Y0 Z0
                G3 X0 Z20. I0 K10. F100.
                """);
        assertThat(f.feedDistance()).isCloseTo(10 * Math.PI, MM);
        assertBox(f.extents(), -10, 0, 0, 0, 0, 20);
    }

    @Test
    void g19_arcs_take_their_centre_from_j_and_k() {
        // YZ plane seen from +X: G3 from Y0 to Y20 around Y10 Z0 goes counter-clockwise through Z-10
        ProgramFacts f = facts("""
                G90 G19 G0 X0 Y0 Z0
                G3 Y20. Z0 J10. K0 F100.
                """);
        assertThat(f.feedDistance()).isCloseTo(10 * Math.PI, MM);
        assertBox(f.extents(), 0, 0, -10, 0, 20, 0);
    }

    @Test
    void a_positive_r_takes_the_short_arc_and_a_negative_r_the_long_one() {
        // from 0,0 to 10,10 with radius 10: the short G2 arc is a quarter around 10,0; the long one
        // is three quarters around 0,10 and passes -10,10 and 0,20
        ProgramFacts shortArc = facts("""
                G90 G17 G0 X0 Y0 Z0
                G2 X10. Y10. R10. F100.
                """);
        assertThat(shortArc.feedDistance()).isCloseTo(5 * Math.PI, MM);
        assertBox(shortArc.extents(), 0, 0, 0, 10, 10, 0);

        ProgramFacts longArc = facts("""
                G90 G17 G0 X0 Y0 Z0
                G2 X10. Y10. R-10. F100.
                """);
        assertThat(longArc.feedDistance()).isCloseTo(15 * Math.PI, MM);
        assertBox(longArc.extents(), -10, 0, 0, 10, 20, 0);
    }

    @Test
    void a_helical_arc_moves_the_normal_axis_during_the_circle() {
        // a full circle of radius 10 that drops 5 mm: length sqrt((20 pi)^2 + 5^2)
        ProgramFacts f = facts("""
                G90 G17 G0 X10. Y0 Z0
                G3 X10. Y0 Z-5. I-10. J0 F100.
                """);
        assertThat(f.feedDistance()).isCloseTo(Math.hypot(20 * Math.PI, 5), MM);
        assertBox(f.extents(), -10, -10, -5, 10, 10, 0);
    }

    @Test
    void absolute_arc_centres_with_g90_1() {
        // G90.1: I and J are the centre itself (10,10), not an offset from the start (10,0)
        ProgramFacts f = facts("""
                G90 G90.1 G17 G0 X10. Y0 Z0
                G3 X20. Y10. I10. J10. F100.
                G91.1
                G3 X10. Y20. I-10. J0
                """);
        // two quarter circles of radius 10: the second centre is 10,10 again (incremental from 20,10)
        assertThat(f.feedDistance()).isCloseTo(10 * Math.PI, MM);
        assertBox(f.extents(), 10, 0, 0, 20, 20, 0);
        assertThat(f.warnings()).isEmpty();
    }

    @Test
    void an_inch_program_is_reported_in_millimetres() {
        // one inch diagonal at 10 in/min = 254 mm/min
        ProgramFacts f = facts("""
                G20 G90 G0 X0 Y0 Z0.1
                G1 Z0 F10.
                X1. Y1.
                G2 X2. Y0 R1.
                """);
        double diagonal = Math.sqrt(2) * 25.4;
        double quarter = Math.PI / 2 * 25.4;
        assertThat(f.units()).isEqualTo("mm");
        assertThat(f.feedDistance()).isCloseTo(2.54 + diagonal + quarter, MM);
        assertThat(f.estimatedSeconds()).isCloseTo((2.54 + diagonal + quarter) / 254 * 60, SECONDS);
        assertBox(f.extents(), 0, 0, 0, 50.8, 25.4, 2.54);
    }

    @Test
    void incremental_moves_add_to_the_position() {
        ProgramFacts f = facts("""
                G90 G0 X5. Y5. Z0
                G91 G1 X10. F100.
                Y10.
                X-10.
                Y-10.
                G90 G0 Z20.
                """);
        assertThat(f.feedDistance()).isCloseTo(40, MM);
        assertThat(f.rapidDistance()).isCloseTo(20, MM);
        assertBox(f.extents(), 5, 5, 0, 15, 15, 20);
    }

    @Test
    void g92_renames_the_current_position_and_later_coordinates_stay_in_the_first_frame() {
        ProgramFacts f = facts("""
                G90 G0 X100. Y0 Z0
                G92 X0 Y0
                G1 X10. F100.
                G92.1
                G1 X0
                """);
        // X10 after G92 is X110 of the first frame; after G92.1, X0 is X0 again
        assertThat(f.feedDistance()).isCloseTo(10 + 110, MM);
        assertBox(f.extents(), 0, 0, 0, 110, 0, 0);
    }

    @Test
    void g81_with_g98_returns_to_the_initial_level_between_holes() {
        ProgramFacts f = facts("""
                G90 G0 X0 Y0 Z50.
                G0 Z10.
                G98 G81 X10. Y0 Z-5. R2. F100.
                X20.
                G80
                """);
        // hole 1: position 10 at Z10, rapid 8 down to R2, feed 7 to Z-5, rapid 15 back to Z10;
        // hole 2 the same; plus the rapid of 40 from Z50
        assertThat(f.rapidDistance()).isCloseTo(40 + 2 * (10 + 8 + 15), MM);
        assertThat(f.feedDistance()).isCloseTo(14, MM);
        assertThat(f.estimatedSeconds()).isCloseTo(14.0 / 100 * 60 + 106.0 / 10_000 * 60, SECONDS);
        assertBox(f.extents(), 0, 0, -5, 20, 0, 50);
    }

    @Test
    void g82_with_g99_returns_to_the_r_level_and_dwells_at_the_bottom() {
        ProgramFacts f = facts("""
                G90 G0 X0 Y0 Z50.
                G0 Z10.
                G99 G82 X10. Y0 Z-5. R2. P500 F100.
                X20.
                G80
                """);
        // hole 1: 10 across, 8 down to R, feed 7, rapid 7 up to R; hole 2 positions at R: 10, feed 7, rapid 7
        assertThat(f.rapidDistance()).isCloseTo(40 + 10 + 8 + 7 + 10 + 7, MM);
        assertThat(f.feedDistance()).isCloseTo(14, MM);
        assertThat(f.estimatedSeconds()).isCloseTo(14.0 / 100 * 60 + 82.0 / 10_000 * 60 + 2 * 0.5, SECONDS);
        assertBox(f.extents(), 0, 0, -5, 20, 0, 50);
    }

    @Test
    void g83_pecks_rapid_out_to_r_and_back_down_between_pecks() {
        ProgramFacts f = facts("""
                G90 G0 X0 Y0 Z10.
                G99 G83 X0 Y0 Z-5. R2. Q2. F100.
                G80
                """);
        // from R2 to Z-5 in pecks of 2: feeds 2, 2, 2, 1; out and back 2+2, 4+4, 6+6; then out 7
        assertThat(f.feedDistance()).isCloseTo(7, MM);
        assertThat(f.rapidDistance()).isCloseTo(8 + 24 + 7, MM);
    }

    @Test
    void g84_taps_in_and_out_at_the_feed_and_g85_bores_out_at_the_feed() {
        ProgramFacts tap = facts("""
                G90 G0 X0 Y0 Z2.
                G99 G84 X0 Y0 Z-10. R2. F150.
                """);
        assertThat(tap.feedDistance()).isCloseTo(24, MM);
        assertThat(tap.rapidDistance()).isCloseTo(0, MM);
        assertThat(tap.estimatedSeconds()).isCloseTo(24.0 / 150 * 60, SECONDS);

        ProgramFacts bore = facts("""
                G90 G0 X0 Y0 Z10.
                G98 G85 X0 Y0 Z-10. R2. F60.
                """);
        // rapid 8 down to R, feed 12 down and 12 up, rapid 8 back to the initial level
        assertThat(bore.feedDistance()).isCloseTo(24, MM);
        assertThat(bore.rapidDistance()).isCloseTo(16, MM);
    }

    @Test
    void a_cycle_repeats_with_k_in_incremental_mode() {
        ProgramFacts f = facts("""
                G90 G0 X0 Y0 Z2.
                G91 G99 G81 X10. Z-7. R0 K3 F100.
                G90 G80
                """);
        // three holes 10 apart; each: position 10, feed 7, rapid 7
        assertThat(f.feedDistance()).isCloseTo(21, MM);
        assertThat(f.rapidDistance()).isCloseTo(30 + 21, MM);
        assertBox(f.extents(), 0, 0, -5, 30, 0, 2);
    }

    @Test
    void g95_feeds_per_revolution_use_the_spindle_speed() {
        // 0.1 mm/rev at 1000 rpm = 100 mm/min: 100 mm take 60 s
        ProgramFacts f = facts("""
                G90 G0 X0 Y0 Z0 S1000 M3
                G95 G1 X100. F0.1
                """);
        assertThat(f.estimatedSeconds()).isCloseTo(60, SECONDS);
        assertThat(f.warnings()).isEmpty();
    }

    @Test
    void rapid_rate_and_tool_change_time_come_from_the_options() {
        byte[] program = """
                T1 M6
                G90 G0 X0 Y0 Z0
                X1000.
                T2 M6
                """.getBytes(StandardCharsets.UTF_8);
        ProgramFacts f = NcInterpreter.facts(program, new NcOptions(20_000, 7.5, true));
        assertThat(f.estimatedSeconds()).isCloseTo(1000.0 / 20_000 * 60 + 2 * 7.5, SECONDS);
    }

    @Test
    void the_tool_list_takes_comments_from_the_block_or_its_line_comment() {
        ProgramFacts f = facts("""
                T12 M6 (10MM ENDMILL)
                T3 M06 ; 6.8 DRILL
                T5 (CHAMFER TOOL)
                M6
                T7
                M6 (SPOT DRILL)
                T12 M6 (SAME TOOL AGAIN)
                T9 M6
                """);
        assertThat(f.tools()).containsExactly(
                new Tool(12, "10MM ENDMILL", 1),
                new Tool(3, "6.8 DRILL", 2),
                new Tool(5, "CHAMFER TOOL", 4),
                new Tool(7, "SPOT DRILL", 6),
                new Tool(9, null, 8));
    }

    @Test
    void subprogram_and_macro_calls_are_listed_and_not_expanded() {
        ProgramFacts f = facts("""
                G90 G0 X0 Y0 Z0
                M98 P1000 L3
                G65 P9810 X100. Y100. Z100.
                M97 P20
                M98 (no program number)
                M30
                O1000
                G1 X1. F100.
                M99
                """);
        assertThat(f.subprograms()).containsExactly(
                new SubprogramCall(2, "M98", 1000, 3),
                new SubprogramCall(3, "G65", 9810, 1),
                new SubprogramCall(4, "M97", 20, 1));
        // G65's X Y Z are arguments, not a move; the subprogram body in the file is interpreted where it stands
        assertThat(f.rapidDistance()).isZero();
        assertThat(f.feedDistance()).isCloseTo(1, MM);
        assertThat(f.warnings()).extracting(Warning::line).containsExactly(5);
    }

    @Test
    void the_program_number_may_be_written_with_a_colon() {
        assertThat(facts(":0042\nG0 X0\n").programNumber()).isEqualTo(42L);
        assertThat(facts("%\nO0001 (MAIN)\nO2000\n%\n").programNumber()).isEqualTo(1L);
        assertThat(facts("G0 X0\n").programNumber()).isNull();
    }

    @Test
    void junk_lines_become_warnings_with_their_line_numbers_and_the_rest_is_interpreted() {
        ProgramFacts f = facts("""
                G90 G0 X0 Y0 Z0
                #100=1
                IF [#100 GT 0] GOTO 5
                G1 X=10 F100
                L X+10 R0 FMAX
                G1 X10. F100. X20.
                G1 X10. F100.
                G1 Y.
                G1 X1.2.3
                G2 X100. Y0 R10.
                G12 I10. D1
                G12 I10. D1
                """);
        assertThat(f.warnings()).extracting(Warning::line).containsExactly(2, 3, 4, 5, 6, 8, 9, 10, 11);
        assertThat(f.warnings().get(0).message()).contains("macro").contains("#100=1");
        assertThat(f.warnings().get(2).message()).contains("X=10");
        assertThat(f.warnings().get(4).message()).contains("X given twice");
        assertThat(f.warnings().get(7).message()).contains("radius");
        assertThat(f.warnings().get(8).message()).contains("G12");
        assertThat(f.warningCount()).isEqualTo(9);
        // line 7 moved 10, the arc that does not fit moved straight from 10 to 100, and the blocks
        // with G12 (a Haas pocket cycle) are ignored
        assertThat(f.feedDistance()).isCloseTo(10 + 90, MM);
    }

    @Test
    void rotary_axis_words_are_reported_once_and_x_y_z_still_move() {
        ProgramFacts f = facts("""
                G90 G0 X0 Y0 Z0 A0
                G1 X10. A90. F100.
                G1 X20. B45.
                """);
        assertThat(f.warnings()).extracting(Warning::line).containsExactly(1);
        assertThat(f.warnings().get(0).message()).contains("A, B, C");
        assertThat(f.feedDistance()).isCloseTo(20, MM);
    }

    @Test
    void an_ijk_arc_whose_end_is_off_its_circle_is_a_warning() {
        ProgramFacts f = facts("""
                G90 G0 X0 Y0 Z0
                G2 X10. Y0 I5. J0 F100.
                G2 X20. Y0 I4. J0
                """);
        assertThat(f.warnings()).extracting(Warning::line).containsExactly(3);
        assertThat(f.warnings().get(0).message()).contains("off the circle");
    }

    @Test
    void warnings_are_capped_but_counted() {
        StringBuilder junk = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            junk.append("?garbage ").append(i).append('\n');
        }
        junk.append("G90 G0 X0 Y0 Z0\nG1 X5. F100.\n");
        ProgramFacts f = facts(junk.toString());
        assertThat(f.warnings()).hasSize(ProgramFacts.MAX_WARNINGS);
        assertThat(f.warningCount()).isEqualTo(5000);
        assertThat(f.lines()).isEqualTo(5002);
        assertThat(f.feedDistance()).isCloseTo(5, MM);
    }

    @Test
    void binary_content_never_throws() {
        byte[] noise = new byte[200_000];
        new java.util.Random(16).nextBytes(noise);
        ProgramFacts f = NcInterpreter.facts(noise, NcOptions.DEFAULTS);
        assertThat(f.warningCount()).isPositive();
        assertThat(f.warnings()).hasSizeLessThanOrEqualTo(ProgramFacts.MAX_WARNINGS);
    }

    @Test
    void shuffled_words_of_the_dialect_never_throw_and_never_give_nan() {
        String[] words = {"G0", "G1", "G2", "G3", "G17", "G18", "G19", "G20", "G90", "G91", "G90.1", "G92", "G93",
            "G95", "G98", "G99", "G80", "G81", "G83", "G84", "G87", "G4", "G28", "G53", "G65", "M6", "M98", "T1",
            "X", "Y", "Z", "I", "J", "K", "R", "Q", "P", "F", "S", "L", "(c)", ";x", "/", "%", "#1", "-", "\n"};
        java.util.Random random = new java.util.Random(16);
        for (int n = 0; n < 300; n++) {
            StringBuilder program = new StringBuilder();
            for (int i = random.nextInt(200); i > 0; i--) {
                program.append(words[random.nextInt(words.length)]);
                if (random.nextInt(3) > 0) {
                    program.append(random.nextInt(3) == 0 ? "-" : "").append(random.nextInt(500)).append('.');
                }
                program.append(random.nextInt(4) == 0 ? "\n" : " ");
            }
            ProgramFacts f = facts(program.toString());
            assertThat(f.feedDistance() + f.rapidDistance() + f.estimatedSeconds()).as(program.toString()).isFinite();
        }
    }

    @Test
    void block_delete_skips_slashed_blocks_unless_told_to_run_them() {
        String program = """
                G90 G0 X0 Y0 Z0
                /G1 X50. F100.
                /2 G1 X50. F100.
                G1 X10. F100.
                """;
        assertThat(facts(program).feedDistance()).isCloseTo(10, MM);
        ProgramFacts all = NcInterpreter.facts(program.getBytes(StandardCharsets.UTF_8),
                NcOptions.DEFAULTS.withSkipBlockDelete(false));
        assertThat(all.feedDistance()).isCloseTo(50 + 0 + 40, MM);
    }

    @Test
    void comments_of_both_kinds_are_not_interpreted() {
        ProgramFacts f = facts("""
                (G1 X500. - SETUP NOTES)
                G90 G0 X0 Y0 Z0 (G0 X900.)
                G1 X10. F100. ; X300. IS WHAT THE OLD REVISION DID
                ;G1 X700.
                (unclosed G1 X800.
                """);
        assertThat(f.feedDistance()).isCloseTo(10, MM);
        assertBox(f.extents(), 0, 0, 0, 10, 0, 0);
        assertThat(f.warnings()).extracting(Warning::line).containsExactly(5);
    }

    @Test
    void text_after_the_closing_percent_is_not_interpreted() {
        ProgramFacts f = facts("%\nG90 G0 X0 Y0 Z0\nG1 X10. F100.\n%\nG1 X900.\n");
        assertThat(f.feedDistance()).isCloseTo(10, MM);
        assertThat(f.warnings()).extracting(Warning::line).containsExactly(5);
    }

    @Test
    void moves_from_an_unknown_position_are_not_counted_and_g28_forgets_the_axis() {
        ProgramFacts f = facts("""
                G90 G0 X10. Y10.
                G43 H1 Z50.
                G1 Z0 F100.
                G91 G28 Z0
                G90 G0 Z30.
                X20.
                """);
        // X10 Y10 and Z50 come from unknown positions; Z50 -> Z0 is a feed of 50; G28 rapids 0 to
        // its intermediate point and the reference position is unknown, so Z30 is not counted
        // and the last rapid of 10 is
        assertThat(f.feedDistance()).isCloseTo(50, MM);
        assertThat(f.rapidDistance()).isCloseTo(10, MM);
        assertBox(f.extents(), 10, 10, 0, 20, 10, 50);
    }

    @Test
    void crlf_and_cr_line_ends_read_the_same_from_a_stream_that_gives_one_byte_at_a_time() throws Exception {
        byte[] program = "G90 G0 X0 Y0 Z0\r\nG1 X10. F100.\rY10.\nX0\r\n?junk\r\n".getBytes(StandardCharsets.US_ASCII);
        java.io.InputStream trickle = new java.io.ByteArrayInputStream(program) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        ProgramFacts f = NcInterpreter.facts(trickle, NcOptions.DEFAULTS);
        assertThat(f.lines()).isEqualTo(5);
        assertThat(f.feedDistance()).isCloseTo(30, MM);
        assertThat(f.warnings()).extracting(Warning::line).containsExactly(5);
    }

    @Test
    void an_empty_program_has_no_extents() {
        ProgramFacts f = facts("%\n(NOTHING)\n%\n");
        assertThat(f.extents()).isNull();
        assertThat(f.estimatedSeconds()).isZero();
        assertThat(f.lines()).isEqualTo(3);
    }

    @Test
    void dwells_count_p_in_milliseconds_or_seconds_with_a_decimal_point() {
        ProgramFacts f = facts("G4 P1500\nG04 P2.5\nG4 X1.\n");
        assertThat(f.estimatedSeconds()).isCloseTo(1.5 + 2.5 + 1, SECONDS);
    }

    @Test
    void segments_are_only_made_for_a_sink() {
        List<Segment> segments = new ArrayList<>();
        NcInterpreter.interpret("""
                T4 M6
                G90 G0 X0 Y0 Z5.
                G1 Z0 F100.
                G2 X10. Y0 R5.
                G99 G81 X20. Y0 Z-3. R1.
                G80
                """.getBytes(StandardCharsets.UTF_8), NcOptions.DEFAULTS, segments::add);
        assertThat(segments).extracting(Segment::getClass).map(Class::getSimpleName).containsExactly(
                "Line", "Arc", "Line", "Line", "Hole", "Line", "Line");
        Segment.Arc arc = (Segment.Arc) segments.get(1);
        assertThat(arc.sweep()).isCloseTo(-Math.PI, within(1e-9));
        assertThat(arc.pointAt(0.5).y()).isCloseTo(5, within(1e-9));
        Segment.Hole hole = (Segment.Hole) segments.get(4);
        assertThat(hole.cycle()).isEqualTo("G81");
        assertThat(hole.tool()).isEqualTo(4);
        assertThat(hole.top().z()).isEqualTo(1);
        assertThat(hole.bottom().z()).isEqualTo(-3);
    }

    @Test
    void the_facts_serialise_to_the_json_the_api_answers() throws Exception {
        ProgramFacts f = facts("O7 (P)\nT1 M6 (A & B <C>)\nG90 G0 X0 Y0 Z0\nG1 X3. F100.\nM98 P8\n?\n");
        JsonNode json = new ObjectMapper().valueToTree(f);
        assertThat(json.get("programNumber").asLong()).isEqualTo(7);
        assertThat(json.get("units").asText()).isEqualTo("mm");
        assertThat(json.get("tools").get(0).get("comment").asText()).isEqualTo("A & B <C>");
        assertThat(json.get("extents").get("max").get("x").asDouble()).isEqualTo(3);
        assertThat(json.get("subprograms").get(0).get("call").asText()).isEqualTo("M98");
        assertThat(json.get("warnings").get(0).get("line").asInt()).isEqualTo(6);
        assertThat(json.fieldNames()).toIterable().containsExactly("programNumber", "units", "lines", "tools",
                "extents", "feedDistance", "rapidDistance", "estimatedSeconds", "subprograms", "warnings",
                "warningCount");
    }
}
