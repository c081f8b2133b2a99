package org.faasj.controlplane.system;

import org.faasj.controlplane.deploy.AdminToken;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The problems the read APIs (invocation records, logs, stats) answer with, rendered by the web
 * layer's problem advice: a missing token, a bad query parameter (named in {@code parameter}), an
 * unknown function.
 */
public final class ApiProblems {

    private ApiProblems() {
    }

    /** Records and logs show what every function did; the token is checked here as well as in front. */
    public static void requireToken(AdminToken token, String authorization) {
        String refusal = token.refusal(authorization);
        if (refusal != null) {
            ErrorResponseException e = problem(HttpStatus.UNAUTHORIZED, "Unauthorized", refusal);
            e.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            throw e;
        }
    }

    public static ErrorResponseException badParameter(String parameter, String detail) {
        ErrorResponseException e = problem(HttpStatus.BAD_REQUEST, "Bad parameter", detail);
        e.getBody().setProperty("parameter", parameter);
        return e;
    }

    /**
     * A whole-number query parameter from {@code min} to {@code max}, {@code defaultValue} when absent.
     *
     * @throws ErrorResponseException a 400 naming the parameter and its range otherwise
     */
    public static int intParameter(String name, String value, int defaultValue, int min, int max) {
        if (value == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw badParameter(name, name + " must be a number from " + min + " to " + max + ", got '" + value + "'");
    }

    public static ErrorResponseException noSuchFunction(String name) {
        return problem(HttpStatus.NOT_FOUND, "No such function", "no function named '" + name + "'");
    }

    public static ErrorResponseException problem(HttpStatus status, String title, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setTitle(title);
        return new ErrorResponseException(status, body, null);
    }
}
