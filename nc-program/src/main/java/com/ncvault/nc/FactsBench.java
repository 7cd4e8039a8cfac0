package com.ncvault.nc;

import java.util.Arrays;

/**
 * Times the facts pass over a synthetic program in a warm JVM and prints the median:
 * {@code java -cp nc-program/target/classes com.ncvault.nc.FactsBench [megabytes=20] [runs=7]}.
 */
public final class FactsBench {

    private FactsBench() {
    }

    public static void main(String[] args) {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        byte[] program = SyntheticProgram.generate(megabytes * 1_000_000, 16);
        ProgramFacts facts = null;
        for (int i = 0; i < 3; i++) {
            facts = NcInterpreter.facts(program, NcOptions.DEFAULTS);
        }
        long[] millis = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            facts = NcInterpreter.facts(program, NcOptions.DEFAULTS);
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        Arrays.sort(millis);
        System.out.printf("facts of a %.1f MB program (%,d lines, %d warnings): median %d ms of %d warm runs"
                        + " (min %d, max %d; 3 warm-up runs before)%n", program.length / 1e6, facts.lines(),
                facts.warningCount(), millis[runs / 2], runs, millis[0], millis[runs - 1]);
    }
}
