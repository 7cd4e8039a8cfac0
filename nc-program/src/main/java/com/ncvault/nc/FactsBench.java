package com.ncvault.nc;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Times the facts pass and the top-view backplot over a synthetic program in a warm JVM and prints
 * the medians: {@code java -cp nc-program/target/classes com.ncvault.nc.FactsBench [megabytes=20] [runs=7]}.
 */
public final class FactsBench {

    private static final int WARM_UP = 3;

    private FactsBench() {
    }

    public static void main(String[] args) {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        byte[] program = SyntheticProgram.generate(megabytes * 1_000_000, 16);
        ProgramFacts facts = NcInterpreter.facts(program, NcOptions.DEFAULTS);
        System.out.printf("a %.1f MB program: %,d lines, %,.0f mm of feed moves, %d warnings%n",
                program.length / 1e6, facts.lines(), facts.feedDistance(), facts.warningCount());
        report("facts", runs, () -> NcInterpreter.facts(program, NcOptions.DEFAULTS));
        report("backplot svg (xy)", runs, () -> Backplot.svg(program, NcOptions.DEFAULTS, View.XY));
    }

    private static void report(String what, int runs, Supplier<Object> work) {
        for (int i = 0; i < WARM_UP; i++) {
            work.get();
        }
        long[] millis = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            work.get();
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        Arrays.sort(millis);
        System.out.printf("%s: median %d ms of %d warm runs (min %d, max %d; %d warm-up runs before)%n",
                what, millis[runs / 2], runs, millis[0], millis[runs - 1], WARM_UP);
    }
}
