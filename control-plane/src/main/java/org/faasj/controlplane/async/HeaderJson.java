package org.faasj.controlplane.async;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * Headers as a JSON array of {@code [name, value]} pairs: order and repeated names survive, which
 * an object would lose.
 */
final class HeaderJson {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private HeaderJson() {
    }

    static String write(List<Map.Entry<String, String>> headers) {
        ArrayNode array = MAPPER.createArrayNode();
        for (Map.Entry<String, String> h : headers) {
            array.addArray().add(h.getKey()).add(h.getValue());
        }
        return MAPPER.writeValueAsString(array);
    }

    static List<Map.Entry<String, String>> read(String json) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (JsonNode pair : MAPPER.readTree(json)) {
            headers.add(Map.entry(pair.get(0).asString(), pair.get(1).asString()));
        }
        return headers;
    }
}
