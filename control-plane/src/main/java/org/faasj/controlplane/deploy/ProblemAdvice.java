package org.faasj.controlplane.deploy;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import org.faasj.controlplane.routing.InvalidDescriptorException;
import org.faasj.controlplane.store.StoreLocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error of the web layer as RFC 9457 problem JSON: this package's {@link DeployProblem}s,
 * Spring's own (bad multipart, missing part, unknown path, wrong method, upload too large) through
 * {@link ResponseEntityExceptionHandler}, and anything unexpected as a 500 without internals.
 * Bodies are written as plain maps because Spring leaves out {@code "type"} when it is
 * {@code about:blank}, and clients of this API may rely on every member being present.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    private final StoreLocation location;

    ProblemAdvice(StoreLocation location) {
        this.location = location;
    }

    @ExceptionHandler(InvalidDescriptorException.class)
    ResponseEntity<Object> invalidDescriptor(InvalidDescriptorException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setTitle("Invalid deploy request");
        return problemResponse(problem, new HttpHeaders());
    }

    /**
     * The store cannot be reached (or failed mid-transaction): nothing was switched, the client may
     * try again. Named as the store's fault so an operator knows where to look.
     */
    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class,
            RecoverableDataAccessException.class, CannotCreateTransactionException.class})
    ResponseEntity<Object> storeUnavailable(RuntimeException e) {
        log.warn("Store unavailable: {}", e.toString());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "the store (" + location.dialect().name().toLowerCase() + " at " + location.url()
                        + ") cannot be reached; nothing was changed, try again when it is back");
        problem.setTitle("Store unavailable");
        problem.setProperty("store", location.url());
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, "5");
        return problemResponse(problem, headers);
    }

    /** Two nodes switched the same function or route at the same moment: the later commit lost. */
    @ExceptionHandler(DuplicateKeyException.class)
    ResponseEntity<Object> concurrentChange(DuplicateKeyException e) {
        log.info("Concurrent change refused: {}", e.getMostSpecificCause().getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                "another node changed this function at the same moment; nothing was changed here, try again");
        problem.setTitle("Conflict");
        return problemResponse(problem, new HttpHeaders());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        log.error("Request failed", e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "internal error (" + e.getClass().getSimpleName() + "); see the control plane log");
        problem.setTitle("Internal Server Error");
        return problemResponse(problem, new HttpHeaders());
    }

    /** The single exit of {@link ResponseEntityExceptionHandler}, including {@link DeployProblem}s. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
                                                          WebRequest request) {
        ProblemDetail problem = body instanceof ProblemDetail p ? p : ProblemDetail.forStatus(statusCode);
        if (problem.getInstance() == null && request instanceof ServletWebRequest servlet) {
            problem.setInstance(URI.create(servlet.getRequest().getRequestURI()));
        }
        return problemResponse(problem, headers);
    }

    private static ResponseEntity<Object> problemResponse(ProblemDetail problem, HttpHeaders headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.getType() == null ? "about:blank" : problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        if (problem.getInstance() != null) {
            body.put("instance", problem.getInstance().toString());
        }
        if (problem.getProperties() != null) {
            body.putAll(problem.getProperties());
        }
        return ResponseEntity.status(problem.getStatus())
                .headers(headers)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(body);
    }
}
