package com.ncvault.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

  private final OriginPolicy policy = new OriginPolicy(List.of("https://vault.example.com", "http://10.0.0.5:9000"));

  @Test
  void thePagesOwnOriginIsAllowed() {
    assertThat(policy.allows("http://localhost:8080", "http", "localhost:8080")).isTrue();
    assertThat(policy.allows("HTTP://LocalHost:8080", "http", "localhost:8080")).isTrue();
  }

  @Test
  void defaultPortsAreFilledIn() {
    assertThat(policy.allows("https://node.example.com", "https", "node.example.com:443")).isTrue();
    assertThat(policy.allows("http://node.example.com:80", "http", "node.example.com")).isTrue();
  }

  @Test
  void anotherHostPortOrSchemeIsRefused() {
    assertThat(policy.allows("http://evil.example.com:8080", "http", "localhost:8080")).isFalse();
    assertThat(policy.allows("http://localhost:8081", "http", "localhost:8080")).isFalse();
    assertThat(policy.allows("https://localhost:8080", "http", "localhost:8080")).isFalse();
  }

  @Test
  void configuredOriginsAreAllowed() {
    assertThat(policy.allows("https://vault.example.com", "http", "127.0.0.1:8080")).isTrue();
    assertThat(policy.allows("http://10.0.0.5:9000", "http", "127.0.0.1:8080")).isTrue();
    assertThat(policy.allows("http://10.0.0.5", "http", "127.0.0.1:8080")).isFalse();
  }

  @Test
  void garbageAndTheNullOriginAreRefused() {
    assertThat(policy.allows("null", "http", "localhost:8080")).isFalse();
    assertThat(policy.allows("file:///etc/passwd", "http", "localhost:8080")).isFalse();
    assertThat(policy.allows("http://[bad", "http", "localhost:8080")).isFalse();
    assertThat(policy.allows("http://localhost:8080", "http", null)).isFalse();
  }

  @Test
  void answersStayTheSameWhenOriginsAreAskedAgainAndTheParsedOnesStayBounded() {
    for (int round = 0; round < 2; round++) {
      thePagesOwnOriginIsAllowed();
      defaultPortsAreFilledIn();
      anotherHostPortOrSchemeIsRefused();
      configuredOriginsAreAllowed();
      garbageAndTheNullOriginAreRefused();
    }
    // a client that sends a new Origin with every upgrade does not grow the node's memory
    for (int i = 0; i < 5_000; i++) {
      assertThat(policy.allows("http://page-" + i + ".example.com", "http", "localhost:8080")).isFalse();
      assertThat(policy.parsedCount()).isLessThanOrEqualTo(OriginPolicy.MAX_PARSED);
    }
    assertThat(policy.allows("http://localhost:8080", "http", "localhost:8080")).isTrue();
    String longHost = "a".repeat(OriginPolicy.MAX_PARSED_LENGTH) + ".example.com";
    int before = policy.parsedCount();
    assertThat(policy.allows("http://" + longHost, "http", longHost)).as("a long origin is still checked").isTrue();
    assertThat(policy.parsedCount()).as("but not kept").isEqualTo(before);
  }
}
