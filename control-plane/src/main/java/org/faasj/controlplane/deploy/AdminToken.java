package org.faasj.controlplane.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

import org.faasj.controlplane.system.FaasProperties;
import org.faasj.controlplane.system.PrivateDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token that guards deploy, redeploy and delete: deploying runs code on this host.
 * It is asked for on every address, loopback included: deployed functions reach the host's
 * loopback too (network "outbound"), and must not be able to deploy or rewrite routes.
 */
public final class AdminToken {

    static final String FILE_NAME = "admin-token";
    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);
    private static final String BEARER = "Bearer ";
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");

    private final byte[] tokenDigest;

    public AdminToken(FaasProperties properties) {
        String token = properties.adminToken() != null && !properties.adminToken().isBlank()
                ? properties.adminToken().strip()
                : fromFile(PrivateDirectory.ensure(properties.dataDir()).resolve(FILE_NAME));
        this.tokenDigest = sha256(token);
    }

    /** @throws DeployProblem 401 unless the header carries the token */
    void check(String authorization) {
        String refusal = refusal(authorization);
        if (refusal != null) {
            throw DeployProblem.unauthorized(refusal);
        }
    }

    /**
     * Why this {@code Authorization} header value does not carry the token, or null when it does.
     * The gateway asks this from the request head alone, before any of an upload's body is read.
     */
    public String refusal(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return "this endpoint needs 'Authorization: Bearer <admin token>'";
        }
        // compare digests: equal length always, so the comparison time says nothing about the token
        byte[] given = sha256(authorization.substring(BEARER.length()).strip());
        return MessageDigest.isEqual(given, tokenDigest) ? null : "wrong admin token";
    }

    /**
     * Who deployed, as the version history records it: the first 12 hex digits of the SHA-256 of
     * the presented token. It tells tokens apart (after a rotation, say) without storing anything
     * that would let a reader of the database deploy. Call only after {@link #check} passed.
     */
    static String callerId(String authorization) {
        String presented = authorization.substring(BEARER.length()).strip();
        return HexFormat.of().formatHex(sha256(presented)).substring(0, 12);
    }

    /** Reads the token file, creating it (mode 0600, 32 random bytes as hex) on first start. */
    private static String fromFile(Path file) {
        try {
            if (!Files.exists(file)) {
                generate(file);
            }
            tighten(file);
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new IllegalStateException(file + " is empty; delete it to generate a new admin token");
            }
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the admin token " + file, e);
        }
    }

    private static void generate(Path file) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        try {
            // created with 0600 from the start: there is no moment when others could read it
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
        } catch (FileAlreadyExistsException e) {
            return; // another process created it first; use theirs
        }
        Files.writeString(file, HexFormat.of().formatHex(random) + "\n", StandardCharsets.UTF_8);
        log.info("Generated the admin token for the deploy API in {} (mode 0600); send it as 'Authorization: Bearer <token>'",
                file.toAbsolutePath());
    }

    /** A token file written by hand (or by an older version) may be readable by others. */
    private static void tighten(Path file) throws IOException {
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(file);
        if (current.equals(OWNER_READ_WRITE)) {
            return;
        }
        Files.setPosixFilePermissions(file, OWNER_READ_WRITE);
        log.info("Tightened the admin token {} from {} to rw-------", file, PosixFilePermissions.toString(current));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
