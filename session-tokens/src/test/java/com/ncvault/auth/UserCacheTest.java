package com.ncvault.auth;

import com.ncvault.contract.StorageApi.Account;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UserCacheTest {

  private final MutableClock clock = new MutableClock();
  private final UserCache cache = new UserCache(clock, Duration.ofSeconds(3));
  private final Account paul = new Account("paul", "programmer", "2025-01-01T00:00:00Z", 0L, "id-of-paul");

  @Test
  void aUserIsRememberedForTheTtlOnly() {
    cache.put(paul);
    clock.advance(Duration.ofMillis(2999));
    assertThat(cache.get("paul")).contains(paul);
    clock.advance(Duration.ofMillis(1));
    assertThat(cache.get("paul")).isEmpty();
  }

  @Test
  void forgettingTakesEffectAtOnce() {
    cache.put(paul);
    cache.forget("paul");
    assertThat(cache.get("paul")).isEmpty();
  }

  @Test
  void anUnknownNameIsNotCached() {
    assertThat(cache.get("nobody")).isEmpty();
  }
}
