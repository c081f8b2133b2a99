package org.faasj.controlplane.deploy;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A deploy request that cannot be carried out, answered as RFC 9457 problem JSON. {@code field}
 * names the input at fault so the console can mark it.
 */
final class DeployProblem extends ErrorResponseException {

    private DeployProblem(HttpStatus status, String title, String detail) {
        super(status, body(status, title, detail), null);
    }

    private static ProblemDetail body(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }

    static DeployProblem invalid(String field, String detail) {
        return new DeployProblem(HttpStatus.BAD_REQUEST, "Invalid deploy request", detail).field(field);
    }

    static DeployProblem conflict(String field, String detail) {
        return new DeployProblem(HttpStatus.CONFLICT, "Conflict", detail).field(field);
    }

    static DeployProblem notFound(String name) {
        return new DeployProblem(HttpStatus.NOT_FOUND, "No such function", "no function named '" + name + "'");
    }

    static DeployProblem versionNotFound(String name, int version) {
        return new DeployProblem(HttpStatus.NOT_FOUND, "No such version",
                "'" + name + "' has no kept version " + version).field("version");
    }

    /** A request body that is JSON but not what the endpoint takes. */
    static DeployProblem unprocessable(String field, String detail) {
        return new DeployProblem(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid request", detail).field(field);
    }

    static DeployProblem tooLarge(String field, long limit) {
        return new DeployProblem(HttpStatus.PAYLOAD_TOO_LARGE, "Upload too large",
                "'" + field + "' is larger than the limit of " + limit + " bytes").field(field);
    }

    static DeployProblem compileFailed(String detail, String compilerOutput) {
        DeployProblem problem = new DeployProblem(HttpStatus.UNPROCESSABLE_CONTENT, "Compile failed", detail).field("code");
        problem.getBody().setProperty("compilerOutput", compilerOutput);
        return problem;
    }

    static DeployProblem toolchainMissing(String program, String debianPackage) {
        return new DeployProblem(HttpStatus.SERVICE_UNAVAILABLE, "Toolchain missing",
                "'" + program + "' is not installed on the platform host; install the Debian package '"
                        + debianPackage + "' (apt-get install " + debianPackage + ")");
    }

    /** A toolchain that is there only in part, or a missing compile target: {@code detail} says what to install. */
    static DeployProblem sandboxUnavailable(String detail) {
        return new DeployProblem(HttpStatus.SERVICE_UNAVAILABLE, "Sandbox unavailable", detail);
    }

    static DeployProblem toolchainMissing(String detail) {
        return new DeployProblem(HttpStatus.SERVICE_UNAVAILABLE, "Toolchain missing", detail);
    }

    static DeployProblem unauthorized(String detail) {
        DeployProblem problem = new DeployProblem(HttpStatus.UNAUTHORIZED, "Unauthorized", detail);
        problem.getHeaders().set("WWW-Authenticate", "Bearer");
        return problem;
    }

    private DeployProblem field(String field) {
        getBody().setProperty("field", field);
        return this;
    }

    /** The field at fault, or null. */
    String field() {
        Object field = getBody().getProperties() == null ? null : getBody().getProperties().get("field");
        return field == null ? null : field.toString();
    }
}
