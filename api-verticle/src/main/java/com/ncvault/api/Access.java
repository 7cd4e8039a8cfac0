package com.ncvault.api;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import io.vertx.core.http.HttpMethod;
import java.util.Optional;

/** Who may call a route: anyone, or a logged-in user with at least a role (see {@link ApiRoutes}). */
enum Access {
  PUBLIC(null),
  VIEWER(Roles.VIEWER),
  PROGRAMMER(Roles.PROGRAMMER),
  APPROVER(Roles.APPROVER),
  ADMIN(Roles.ADMIN);

  static final String CSRF_HEADER = "X-PDM-CSRF";

  private final String minimumRole;

  Access(String minimumRole) {
    this.minimumRole = minimumRole;
  }

  /**
   * Why {@code user} may not make this call, or empty when it may. A browser sends the session
   * cookie with any request, even one started by another site; such a site cannot set a custom
   * header without CORS consent, so cookie-authenticated changes must carry {@value #CSRF_HEADER}.
   */
  Optional<PdmError> refusal(SessionUser user, HttpMethod method, String csrfHeader) {
    if (user.viaCookie() && changesState(method) && !"1".equals(csrfHeader)) {
      return Optional.of(new PdmError(ErrorCode.CSRF, "Missing header " + CSRF_HEADER + ": 1"));
    }
    if (minimumRole != null && !Roles.atLeast(user.role(), minimumRole)) {
      return Optional.of(new PdmError(ErrorCode.FORBIDDEN, "This needs the role " + minimumRole));
    }
    return Optional.empty();
  }

  private static boolean changesState(HttpMethod method) {
    return !(method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS);
  }
}
