package org.faasj.controlplane.versions;

/**
 * One immutable deployed version of a function, as stored.
 *
 * @param name        the function
 * @param version     its number; numbers only grow per function (a rollback re-points, it does not number)
 * @param routeKey    {@code METHOD:/path} the version was deployed at (a rollback moves the route back)
 * @param codeDigest  hex SHA-256 of the uploaded code (of the artifact for versions found at upgrade)
 * @param descriptor  the descriptor JSON the route row held (or holds) for this version
 * @param buildOutput what the compiler or checker printed, capped at {@link #BUILD_OUTPUT_CAP} characters
 * @param deployedAt  Unix milliseconds
 * @param deployedBy  who deployed it: a token id (never the token), or a word such as {@code seed}
 * @param active      whether the function's route runs this version now
 */
public record FunctionVersion(String name, int version, String routeKey, String codeDigest, String descriptor, String buildOutput,
                              long deployedAt, String deployedBy, boolean active) {

    /** The most build output kept per version: enough for any compiler error worth reading, bounded per row. */
    public static final int BUILD_OUTPUT_CAP = 16 * 1024;
    static final String TRUNCATED = "\n[build output truncated]\n";

    public FunctionVersion {
        buildOutput = capped(buildOutput == null ? "" : buildOutput);
    }

    private static String capped(String output) {
        if (output.length() <= BUILD_OUTPUT_CAP) {
            return output;
        }
        return output.substring(0, BUILD_OUTPUT_CAP - TRUNCATED.length()) + TRUNCATED;
    }
}
