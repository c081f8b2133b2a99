package org.faasj.worker.exec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.faasj.model.HandoffFrame;
import org.faasj.model.HttpHeader;

/**
 * The environment a function process starts with. Built from nothing, so the worker's own
 * environment never leaks into functions; CGI variables are set last so a descriptor's
 * {@code env} cannot fake the request.
 */
public final class CgiEnvironment {

    private CgiEnvironment() {
    }

    public static Map<String, String> build(HandoffFrame frame, String functionPath, Path tmpDir) {
        Map<String, String> env = base(frame, functionPath, tmpDir);
        putRequest(env, frame);
        for (HttpHeader header : frame.headers()) {
            putHeader(env, header);
        }
        putFunction(env, frame);
        return env;
    }

    /**
     * The part that is the same for every request of a function version: what a process started
     * before its request (warm pool) gets at exec. {@link #build} is always a superset of it.
     */
    public static Map<String, String> stable(HandoffFrame frame, String functionPath, Path tmpDir) {
        Map<String, String> env = base(frame, functionPath, tmpDir);
        putFunction(env, frame);
        return env;
    }

    /** {@code NAME=value} entries, the form execve and the fork server take. */
    public static List<String> entries(Map<String, String> env) {
        List<String> entries = new ArrayList<>(env.size());
        env.forEach((name, value) -> entries.add(name + "=" + value));
        return entries;
    }

    /** The entries separated by NUL: what the PHP prelude reads from descriptor 3. */
    public static byte[] block(Map<String, String> env) {
        return String.join("\0", entries(env)).getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> base(HandoffFrame frame, String functionPath, Path tmpDir) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", functionPath);
        env.put("LANG", "C.UTF-8");
        env.put("TMPDIR", tmpDir.toString());
        frame.env().forEach((name, value) -> putIfValid(env, name, value));
        return env;
    }

    private static void putFunction(Map<String, String> env, HandoffFrame frame) {
        env.put("FAAS_FUNCTION_NAME", frame.functionName());
        env.put("FAAS_FUNCTION_VERSION", Integer.toString(frame.functionVersion()));
    }

    private static void putRequest(Map<String, String> env, HandoffFrame frame) {
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("SERVER_PROTOCOL", "HTTP/1.1");
        env.put("REQUEST_METHOD", frame.method());
        env.put("PATH_INFO", frame.path());
        env.put("SCRIPT_NAME", frame.path());
        env.put("QUERY_STRING", frame.query() == null ? "" : frame.query());
        String contentType = frame.header("Content-Type");
        if (contentType != null) {
            env.put("CONTENT_TYPE", contentType);
        }
        env.put("CONTENT_LENGTH", Long.toString(frame.contentLength()));
        // per request, so never in the warm pool's exec environment: the PHP prelude puts it in place
        env.put("FAAS_CALL_ID", frame.callId());
        // 1 unless the control plane retries an async call; a client cannot set it (see HandoffFrame#attempt)
        env.put("FAAS_ATTEMPT", Integer.toString(frame.attempt()));
    }

    private static void putHeader(Map<String, String> env, HttpHeader header) {
        String name = header.name();
        if (name.equalsIgnoreCase("Content-Type") || name.equalsIgnoreCase("Content-Length")) {
            return;
        }
        // "httpoxy": a client's Proxy header must not become HTTP_PROXY, which HTTP clients obey
        if (name.equalsIgnoreCase("Proxy") || !isToken(name)) {
            return;
        }
        String variable = "HTTP_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
        String value = header.value();
        if (value.indexOf('\0') >= 0) {
            return;
        }
        // repeated headers are joined the way CGI servers do
        env.merge(variable, value, (first, next) -> first + ", " + next);
    }

    private static void putIfValid(Map<String, String> env, String name, String value) {
        if (!name.isEmpty() && name.indexOf('=') < 0 && name.indexOf('\0') < 0 && value.indexOf('\0') < 0) {
            env.put(name, value);
        }
    }

    private static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
