package org.faasj.controlplane.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Hex SHA-256 of code, so two versions can be told apart (or found equal) without their artifacts. */
final class CodeDigest {

    private CodeDigest() {
    }

    static String of(CodeSource code) {
        try (InputStream in = code.open()) {
            return digest(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the uploaded code", e);
        }
    }

    static String ofFile(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return digest(in);
        }
    }

    private static String digest(InputStream in) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[64 * 1024];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            sha256.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }
}
