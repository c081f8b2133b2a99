package org.faasj.controlplane.security;

/**
 * Why a request to the platform's own paths is refused.
 *
 * @param status HTTP status to answer
 * @param detail the problem's detail, naming the setting that would allow the request where one exists
 * @param header one more response header line without CRLF (e.g. {@code WWW-Authenticate: Bearer}), or null
 */
public record Refusal(int status, String detail, String header) {
}
