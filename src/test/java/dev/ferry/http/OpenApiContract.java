package dev.ferry.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * Checks real responses against the OpenAPI document the server publishes (src/main/resources/ferry/openapi.yaml):
 * the operation exists, the status is one it documents, and a JSON body validates against the documented schema
 * (JSON Schema 2020-12, as OpenAPI 3.1 uses). Every response {@link ServerFixture} receives passes through here, so
 * every API test is also a contract test; {@link #exercised()} says which documented responses were seen.
 */
final class OpenApiContract {
  private static final String DOCUMENT = "https://ferry.invalid/openapi.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Statuses the document's description grants every request (connection limit, body size). */
  private static final Set<Integer> ANY_REQUEST = Set.of(413, 503);

  private static final JsonNode DOC = load();
  private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
      b -> b.schemas(Map.of(DOCUMENT, DOC.toString())));
  private static final Set<String> EXERCISED = ConcurrentHashMap.newKeySet();

  private OpenApiContract() {}

  private static JsonNode load() {
    try (InputStream in = OpenApiContract.class.getResourceAsStream("/ferry/openapi.yaml")) {
      Object tree = new Yaml().load(in);
      return JSON.valueToTree(tree);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the OpenAPI document", e);
    }
  }

  /** Fails (AssertionError) with what disagrees when {@code response} does not match the document. */
  static void check(String method, String uri, HttpResponse<Buffer> response) {
    String path = uri.replaceAll("[?#].*$", "");
    String template = template(path);
    if (template == null) {
      return; // the dashboard's files and other non-API paths are not in the document
    }
    JsonNode operation = DOC.path("paths").path(template).path(method.toLowerCase());
    if (operation.isMissingNode()) {
      throw new AssertionError(method + " " + template + " is not in the OpenAPI document");
    }
    int status = response.statusCode();
    JsonNode documented = resolve(operation.path("responses").path(String.valueOf(status)));
    if (documented.isMissingNode()) {
      documented = resolve(operation.path("responses").path(status / 100 + "XX"));
    }
    if (documented.isMissingNode()) {
      if (ANY_REQUEST.contains(status)) {
        return;
      }
      throw new AssertionError(method + " " + template + " answered " + status + ", which the document does not list: "
          + response.bodyAsString());
    }
    EXERCISED.add(method.toLowerCase() + " " + template + " " + status);
    JsonNode content = documented.path("content");
    if (content.isMissingNode()) {
      return;
    }
    String type = String.valueOf(response.getHeader("Content-Type")).replaceAll(";.*$", "").strip();
    JsonNode media = content.path(type);
    if (media.isMissingNode()) {
      throw new AssertionError(method + " " + template + " " + status + " answered " + type + "; the document says "
          + fieldNames(content));
    }
    if (!media.has("schema") || !type.endsWith("json")) {
      return;
    }
    String pointer = "/paths/" + escape(template) + "/" + method.toLowerCase() + "/responses/" + responseKey(operation,
        status) + "/content/" + escape(type) + "/schema";
    JsonNode ref = operation.path("responses").path(responseKey(operation, status)).path("$ref");
    if (ref.isTextual()) {
      pointer = ref.asText().substring(1) + "/content/" + escape(type) + "/schema";
    }
    Schema schema = SCHEMAS.getSchema(SchemaLocation.of(DOCUMENT + "#" + pointer));
    JsonNode body;
    try {
      body = JSON.readTree(response.bodyAsString());
    } catch (IOException e) {
      throw new AssertionError(method + " " + template + " " + status + " is not JSON: " + response.bodyAsString());
    }
    List<Error> errors = schema.validate(body);
    if (!errors.isEmpty()) {
      throw new AssertionError(method + " " + path + " " + status + " does not match the document (" + pointer + "): "
          + errors + "\nbody: " + body);
    }
  }

  /** Documented responses seen so far, as "get /api/v1/syncs/{id} 200". */
  static Set<String> exercised() {
    return Set.copyOf(EXERCISED);
  }

  /** Every documented (method, path, status) of the JSON API, as "post /api/v1/syncs 202". */
  static List<String> documented() {
    List<String> out = new ArrayList<>();
    DOC.path("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(op ->
        op.getValue().path("responses").fieldNames().forEachRemaining(s ->
            out.add(op.getKey() + " " + p.getKey() + " " + s))));
    return out;
  }

  private static String responseKey(JsonNode operation, int status) {
    return operation.path("responses").has(String.valueOf(status)) ? String.valueOf(status) : status / 100 + "XX";
  }

  private static JsonNode resolve(JsonNode response) {
    JsonNode ref = response.path("$ref");
    return ref.isTextual() ? DOC.at(ref.asText().substring(1)) : response;
  }

  private static String template(String path) {
    for (Iterator<String> it = DOC.path("paths").fieldNames(); it.hasNext(); ) {
      String t = it.next();
      if (Pattern.matches(t.replaceAll("\\{[^}]+}", "[^/]+"), path)) {
        return t;
      }
    }
    return null;
  }

  private static String escape(String jsonPointerToken) {
    return jsonPointerToken.replace("~", "~0").replace("/", "~1");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
