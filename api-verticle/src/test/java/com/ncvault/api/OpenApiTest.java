package com.ncvault.api;

import static com.ncvault.api.Checks.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** docs/openapi.yaml (packaged as api/openapi.yaml) must describe exactly the routes the router has. */
@ExtendWith(VertxExtension.class)
class OpenApiTest {

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
  /** The static UI is routed by a pattern, not by a path; the document shows its entry page. */
  private static final String STATIC_ENTRY = "GET /";

  private static TestApi api;
  private static JsonNode document;

  @BeforeAll
  static void start() throws IOException {
    api = TestApi.start();
    try (InputStream in = OpenApiTest.class.getClassLoader().getResourceAsStream(ApiVerticle.OPENAPI_RESOURCE)) {
      assertThat(in).as("api/openapi.yaml on the classpath").isNotNull();
      document = new ObjectMapper(new YAMLFactory()).readTree(in);
    }
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static Set<String> documentedOperations() {
    Set<String> operations = new TreeSet<>();
    document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
      if (METHODS.contains(method)) {
        operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
      }
    }));
    return operations;
  }

  private static Set<String> routedOperations() {
    Set<String> operations = new TreeSet<>();
    for (Route route : api.instances.get(0).router().getRoutes()) {
      if (route.getPath() != null && route.methods() != null) {
        String path = route.getPath().replaceAll(":(\\w+)", "{$1}");
        route.methods().forEach(m -> operations.add(m.name() + " " + path));
      }
    }
    return operations;
  }

  @Test
  void everyRouteOfTheRouterIsDocumented() {
    assertThat(documentedOperations()).containsAll(routedOperations());
  }

  @Test
  void theDocumentDescribesNoRouteThatDoesNotExist() {
    Set<String> extra = new TreeSet<>(documentedOperations());
    extra.removeAll(routedOperations());
    assertThat(extra).containsExactly(STATIC_ENTRY);
  }

  @Test
  void everyOperationHasResponsesAndErrorsUseTheErrorShape() {
    assertThat(document.get("openapi").asText()).startsWith("3.0");
    document.get("components").get("responses").fields().forEachRemaining(response ->
      assertThat(response.getKey().equals("LfsError")
        // Git LFS clients print the top-level message; the vault's error object is beside it
        ? response.getValue().at("/content/application~1vnd.git-lfs+json/schema/properties/error/$ref").asText()
        : response.getValue().at("/content/application~1json/schema/$ref").asText())
        .as("shared response %s", response.getKey()).isEqualTo("#/components/schemas/Error"));
    document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
      if (!METHODS.contains(operation.getKey())) {
        return;
      }
      JsonNode responses = operation.getValue().get("responses");
      assertThat(responses).as("responses of %s %s", operation.getKey(), path.getKey()).isNotNull();
      for (Iterator<Map.Entry<String, JsonNode>> it = responses.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> response = it.next();
        int status = Integer.parseInt(response.getKey());
        if (status >= 400 && path.getKey().startsWith("/lfs/")) {
          JsonNode node = response.getValue();
          assertThat(node.has("$ref") ? node.get("$ref").asText() : node.at(
            "/content/application~1vnd.git-lfs+json/schema/properties/message/type").asText())
            .as("%s %s %s", operation.getKey(), path.getKey(), status).isIn("#/components/responses/LfsError", "string");
        } else if (status >= 400 && !path.getKey().equals("/health")) {
          JsonNode node = response.getValue();
          String ref = node.has("$ref") ? node.get("$ref").asText()
            : node.at("/content/application~1json/schema/$ref").asText();
          assertThat(ref).as("%s %s %s", operation.getKey(), path.getKey(), status)
            .isIn("#/components/schemas/Error", "#/components/responses/BadRequest", "#/components/responses/Unauthenticated",
              "#/components/responses/Forbidden", "#/components/responses/NotFound", "#/components/responses/Conflict",
              "#/components/responses/TooLarge", "#/components/responses/TooManyRequests", "#/components/responses/Unavailable");
        }
      }
    }));
  }

  @Test
  void theDocumentIsServedWithoutLogin(VertxTestContext ctx) throws IOException {
    byte[] expected;
    try (InputStream in = OpenApiTest.class.getClassLoader().getResourceAsStream(ApiVerticle.OPENAPI_RESOURCE)) {
      expected = in.readAllBytes();
    }
    verify(ctx, api.request(HttpMethod.GET, "/api/openapi.yaml").send(), response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).startsWith("application/yaml");
      assertThat(response.body().getBytes()).isEqualTo(expected);
    });
  }
}
