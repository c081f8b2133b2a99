/**
 * What a browser may do with the platform's own paths (console, admin API, actuator). A page on
 * another site must not be able to deploy code (a multipart POST is a "simple" request that
 * browsers send cross-site without a preflight), to read the API through DNS rebinding, or to frame
 * the console. {@link org.faasj.controlplane.security.AdminGuard} decides from a request's head
 * alone, so the gateway refuses before any body is read; the same rules and the security headers
 * are applied again in front of Spring MVC for requests that reach its loopback port directly.
 */
package org.faasj.controlplane.security;
