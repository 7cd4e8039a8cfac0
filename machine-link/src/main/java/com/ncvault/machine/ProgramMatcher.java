package com.ncvault.machine;

import com.ncvault.nc.NcInterpreter;
import com.ncvault.nc.NcOptions;
import com.ncvault.nc.ProgramFacts;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the vault file a program from a machine belongs to: by its name (exactly, then ignoring case
 * and extension), else by its program number ({@code O1234}) against the number in a vault file's
 * name ({@code O1234.nc}, {@code 1234.nc}, {@code O1234_flange.nc}).
 */
public final class ProgramMatcher {
    private static final Pattern NUMBER_IN_NAME = Pattern.compile("^[Oo]?0*(\\d{1,8})(?:[^\\d].*)?$");

    private ProgramMatcher() {
    }

    public static Optional<String> match(ImportedProgram program, Collection<String> vaultFiles) {
        String name = program.name();
        if (name != null) {
            if (vaultFiles.contains(name)) {
                return Optional.of(name);
            }
            String base = base(name);
            for (String file : vaultFiles) {
                if (file.equalsIgnoreCase(name) || base(file).equals(base)) {
                    return Optional.of(file);
                }
            }
        }
        Long number = programNumber(program.content());
        if (number == null) {
            return Optional.empty();
        }
        for (String file : vaultFiles) {
            Long inName = numberInName(file);
            if (number.equals(inName)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    /** The first program number ({@code O1234} or {@code :1234}) in an NC program, or {@code null}. */
    public static Long programNumber(byte[] content) {
        ProgramFacts facts = NcInterpreter.facts(content, NcOptions.DEFAULTS);
        return facts.programNumber();
    }

    static Long numberInName(String file) {
        String base = file;
        int dot = base.lastIndexOf('.');
        if (dot > 0) {
            base = base.substring(0, dot);
        }
        Matcher m = NUMBER_IN_NAME.matcher(base);
        return m.matches() ? Long.valueOf(m.group(1)) : null;
    }

    private static String base(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        int dot = lower.lastIndexOf('.');
        return dot > 0 ? lower.substring(0, dot) : lower;
    }
}
