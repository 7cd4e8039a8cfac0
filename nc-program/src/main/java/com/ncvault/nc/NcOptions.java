package com.ncvault.nc;

/**
 * How a program is interpreted where the program itself does not say.
 *
 * @param rapidMmPerMin rate of G0 moves (and the rapid strokes of canned cycles), in mm/min;
 *     a rapid takes its straight-line length at this rate
 * @param toolChangeSeconds time added for every tool change (M6)
 * @param skipBlockDelete {@code true} skips blocks that start with {@code /} (the block-delete
 *     switch on, as a machine would run them); {@code false} interprets them
 */
public record NcOptions(double rapidMmPerMin, double toolChangeSeconds, boolean skipBlockDelete) {

    /** Rapid rate used when no machine says otherwise: 10,000 mm/min. */
    public static final double DEFAULT_RAPID_MM_PER_MIN = 10_000;

    /** 10,000 mm/min rapids, no tool-change time, block-delete switch on. */
    public static final NcOptions DEFAULTS = new NcOptions(DEFAULT_RAPID_MM_PER_MIN, 0, true);

    public NcOptions {
        if (!(rapidMmPerMin > 0) || Double.isInfinite(rapidMmPerMin)) {
            throw new IllegalArgumentException("rapid rate must be a positive number of mm/min");
        }
        if (!(toolChangeSeconds >= 0) || Double.isInfinite(toolChangeSeconds)) {
            throw new IllegalArgumentException("tool-change time must be zero or more seconds");
        }
    }

    public NcOptions withRapid(double mmPerMin) {
        return new NcOptions(mmPerMin, toolChangeSeconds, skipBlockDelete);
    }

    public NcOptions withToolChangeSeconds(double seconds) {
        return new NcOptions(rapidMmPerMin, seconds, skipBlockDelete);
    }

    public NcOptions withSkipBlockDelete(boolean skip) {
        return new NcOptions(rapidMmPerMin, toolChangeSeconds, skip);
    }
}
