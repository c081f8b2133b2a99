package org.faasj.controlplane.invocations;

import org.faasj.controlplane.deploy.AdminToken;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The problems this package's API answers with (rendered by the web layer's problem advice). */
final class ApiProblems {

    private ApiProblems() {
    }

    /** Records show what every function did; the token is checked here as well as in front. */
    static void requireToken(AdminToken token, String authorization) {
        String refusal = token.refusal(authorization);
        if (refusal != null) {
            ErrorResponseException e = problem(HttpStatus.UNAUTHORIZED, "Unauthorized", refusal);
            e.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            throw e;
        }
    }

    static ErrorResponseException badParameter(String parameter, String detail) {
        ErrorResponseException e = problem(HttpStatus.BAD_REQUEST, "Bad parameter", detail);
        e.getBody().setProperty("parameter", parameter);
        return e;
    }

    static ErrorResponseException noSuchFunction(String name) {
        return problem(HttpStatus.NOT_FOUND, "No such function", "no function named '" + name + "'");
    }

    static ErrorResponseException problem(HttpStatus status, String title, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setTitle(title);
        return new ErrorResponseException(status, body, null);
    }
}
