package com.ncvault.nc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NcPerformanceTest {

    @Test
    void a_20_mb_program_is_interpreted_in_one_quick_pass() {
        byte[] program = SyntheticProgram.generate(20_000_000, 16);
        NcInterpreter.facts(program, NcOptions.DEFAULTS); // warms the JIT
        long start = System.nanoTime();
        ProgramFacts facts = NcInterpreter.facts(program, NcOptions.DEFAULTS);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("facts of a %.1f MB program (%,d lines): %d ms (second run)%n",
                program.length / 1e6, facts.lines(), millis);

        assertThat(facts.warnings()).isEmpty();
        assertThat(facts.tools()).hasSize(SyntheticProgram.TOOLS);
        assertThat(facts.programNumber()).isEqualTo(1000L);
        assertThat(facts.feedDistance()).isPositive();
        // generous for a loaded CI machine; FactsBench gives the warm median for the README
        assertThat(millis).isLessThan(10_000);
    }
}
