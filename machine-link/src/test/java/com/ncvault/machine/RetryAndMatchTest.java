package com.ncvault.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryAndMatchTest {

    @Test
    void retries_wait_twice_as_long_each_time_up_to_the_bound() {
        RetryPolicy policy = new RetryPolicy(6, Duration.ofSeconds(2), Duration.ofSeconds(10));

        assertThat(policy.delayBefore(1)).isZero();
        assertThat(policy.delayBefore(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.delayBefore(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.delayBefore(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.delayBefore(5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.delayBefore(6)).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(99, Duration.ZERO, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_program_from_a_machine_is_matched_by_name_then_by_its_program_number() {
        List<String> vault = List.of("O1234.nc", "flange.NC", "0077_bracket.nc", "1234567_AB1.mcam");

        assertThat(ProgramMatcher.match(program("O1234.nc", "M30\n"), vault)).contains("O1234.nc");
        assertThat(ProgramMatcher.match(program("FLANGE.TXT", "M30\n"), vault)).contains("flange.NC");
        assertThat(ProgramMatcher.match(program(null, "%\nO1234 (FROM MILL)\nM30\n%\n"), vault)).contains("O1234.nc");
        assertThat(ProgramMatcher.match(program("PRG.TXT", "%\nO0077\nM30\n%\n"), vault)).contains("0077_bracket.nc");
        assertThat(ProgramMatcher.match(program(null, "%\nO4321\nM30\n%\n"), vault)).isEmpty();
        assertThat(ProgramMatcher.match(program(null, "G0 X0\n"), vault)).isEmpty();
    }

    private static ImportedProgram program(String name, String text) {
        return new ImportedProgram("mill1", Instant.EPOCH, name, text.getBytes(StandardCharsets.US_ASCII));
    }
}
