package com.ncvault.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.auth.Session;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.http.HttpMethod;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AccessTest {

  private static SessionUser user(String role, SessionUser.Source source) {
    return new SessionUser(new Session("someone", "id-of-someone", role, 0L, Instant.now().plusSeconds(60), false),
      source);
  }

  @Test
  void eachRoleReachesItsLevelAndTheLevelsBelow() {
    SessionUser programmer = user("programmer", SessionUser.Source.BEARER);
    assertThat(Access.VIEWER.refusal(programmer, HttpMethod.GET, null)).isEmpty();
    assertThat(Access.PROGRAMMER.refusal(programmer, HttpMethod.POST, null)).isEmpty();
    assertThat(Access.ADMIN.refusal(programmer, HttpMethod.POST, null)).map(PdmError::code).contains(ErrorCode.FORBIDDEN);
  }

  @Test
  void anUnknownRoleHasNoRights() {
    assertThat(Access.VIEWER.refusal(user("superuser", SessionUser.Source.BEARER), HttpMethod.GET, null))
      .map(PdmError::code).contains(ErrorCode.FORBIDDEN);
  }

  @Test
  void cookieSessionsNeedTheCsrfHeaderForChangesOnly() {
    SessionUser admin = user("admin", SessionUser.Source.COOKIE);
    assertThat(Access.ADMIN.refusal(admin, HttpMethod.GET, null)).isEmpty();
    assertThat(Access.ADMIN.refusal(admin, HttpMethod.DELETE, null)).map(PdmError::code).contains(ErrorCode.CSRF);
    assertThat(Access.ADMIN.refusal(admin, HttpMethod.PATCH, "0")).map(PdmError::code).contains(ErrorCode.CSRF);
    assertThat(Access.ADMIN.refusal(admin, HttpMethod.POST, "1")).isEmpty();
    assertThat(Access.ADMIN.refusal(user("admin", SessionUser.Source.BEARER), HttpMethod.POST, null)).isEmpty();
  }
}
