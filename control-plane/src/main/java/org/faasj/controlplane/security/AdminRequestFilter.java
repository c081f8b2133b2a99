package org.faasj.controlplane.security;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import tools.jackson.databind.json.JsonMapper;

/**
 * In front of everything Spring serves: the security headers on every answer, and the
 * {@link AdminGuard}'s rules again. The gateway applies them before relaying; this catches requests
 * that reach Spring's loopback port directly (function processes can reach the host's loopback),
 * and, being a filter, it runs before Spring parses a multipart body.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class AdminRequestFilter extends OncePerRequestFilter {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AdminGuard guard;

    AdminRequestFilter(AdminGuard guard) {
        this.guard = guard;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        SecurityHeaders.ALL.forEach(response::setHeader);
        Refusal refusal = guard.check(request.getMethod(), request.getRequestURI(), request.getHeader(HttpHeaders.HOST),
                request.getHeader(HttpHeaders.ORIGIN), request.getHeader(HttpHeaders.AUTHORIZATION));
        if (refusal == null) {
            chain.doFilter(request, response);
            return;
        }
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", refusal.status() == 401 ? "Unauthorized" : "Forbidden");
        problem.put("status", refusal.status());
        problem.put("detail", refusal.detail());
        problem.put("instance", request.getRequestURI());
        response.setStatus(refusal.status());
        if (refusal.header() != null) {
            int colon = refusal.header().indexOf(':');
            response.setHeader(refusal.header().substring(0, colon), refusal.header().substring(colon + 1).strip());
        }
        response.setContentType("application/problem+json");
        response.getOutputStream().write(JSON.writeValueAsBytes(problem));
    }
}
