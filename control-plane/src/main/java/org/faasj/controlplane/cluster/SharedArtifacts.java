package org.faasj.controlplane.cluster;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.faasj.controlplane.routing.ArtifactSource;
import org.faasj.controlplane.routing.Route;
import org.faasj.controlplane.store.StoreChanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Built artifacts in the shared store, by SHA-256 of their archive: the deploying node writes them
 * in the deploy's transaction, every other node fetches the ones it lacks before it switches a
 * route to them. The writes join the caller's Spring transaction (same data source), so the route,
 * the version and its artifact commit together, and the {@code NOTIFY} goes out only on commit.
 */
final class SharedArtifacts implements StoreChanges, ArtifactSource {

    static final String CHANNEL = "faasj_routes";
    private static final Logger log = LoggerFactory.getLogger(SharedArtifacts.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final Path functionsDir;
    private final Path tmpRoot;

    SharedArtifacts(DataSource dataSource, Path dataDir) {
        this.jdbc = JdbcClient.create(dataSource);
        Path data = dataDir.toAbsolutePath().normalize();
        this.functionsDir = data.resolve("functions");
        this.tmpRoot = data.resolve("tmp");
    }

    @Override
    public void announce() {
        jdbc.sql("UPDATE store_changes SET counter = counter + 1 WHERE id = 1").update();
        jdbc.sql("NOTIFY " + CHANNEL).update();
    }

    @Override
    public void publishArtifact(String name, int version, Path versionDir) {
        byte[] archive;
        try {
            archive = ArtifactArchive.pack(versionDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pack " + versionDir + " for the store", e);
        }
        String digest = sha256(archive);
        jdbc.sql("INSERT INTO artifacts (digest, content, size, created) VALUES (?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING")
                .param(digest).param(archive).param(archive.length).param(System.currentTimeMillis()).update();
        jdbc.sql("""
                        INSERT INTO version_artifacts (name, version, digest) VALUES (?, ?, ?)
                        ON CONFLICT (name, version) DO UPDATE SET digest = excluded.digest""")
                .param(name).param(version).param(digest).update();
    }

    @Override
    public void forgetArtifacts(String name, List<Integer> versions) {
        for (int version : versions) {
            jdbc.sql("DELETE FROM version_artifacts WHERE name = ? AND version = ?").param(name).param(version).update();
        }
        // two versions (or functions) may share a digest: only blobs nothing refers to any more go
        jdbc.sql("DELETE FROM artifacts WHERE digest NOT IN (SELECT digest FROM version_artifacts)").update();
    }

    /**
     * Present already, or fetched now: unpacked into a temp dir beside the functions dir and renamed
     * into {@code functions/<name>/<version>} in one step, so a worker never sees half the files.
     */
    @Override
    public boolean ensurePresent(Route route) {
        if (Files.exists(route.modulePath())) {
            return true;
        }
        String name = route.descriptor().name();
        int version = route.descriptor().version();
        Path versionDir = functionsDir.resolve(name).resolve(Integer.toString(version));
        if (!route.modulePath().startsWith(versionDir)) {
            log.warn("Route {} runs {}, which is not on this node and not a platform-built artifact", route.key(),
                    route.modulePath());
            return false;
        }
        try {
            Optional<Blob> blob = find(name, version);
            if (blob.isEmpty()) {
                log.warn("Route {}: the store has no artifact for {} v{}", route.key(), name, version);
                return false;
            }
            install(blob.get(), versionDir);
            log.info("Fetched {} v{} from the store ({} bytes, sha-256 {})", name, version, blob.get().content().length,
                    blob.get().digest().substring(0, 12));
            return Files.exists(route.modulePath());
        } catch (IOException | RuntimeException e) {
            log.warn("Route {}: cannot fetch {} v{} from the store: {}", route.key(), name, version, e.toString());
            return false;
        }
    }

    private record Blob(String digest, byte[] content) {
    }

    private Optional<Blob> find(String name, int version) {
        return jdbc.sql("""
                        SELECT a.digest, a.content FROM version_artifacts v JOIN artifacts a ON a.digest = v.digest
                        WHERE v.name = ? AND v.version = ?""")
                .param(name).param(version)
                .query((rs, n) -> new Blob(rs.getString(1), rs.getBytes(2))).optional();
    }

    private void install(Blob blob, Path versionDir) throws IOException {
        if (!sha256(blob.content()).equals(blob.digest())) {
            throw new IOException("artifact " + blob.digest() + " does not match its digest");
        }
        Files.createDirectories(tmpRoot);
        // not createTempDirectory: its mode 0700 would keep the sandboxed function users out; this gets
        // the same mode as the build's stage directory a deploy renames into place
        Path staging = Files.createDirectory(tmpRoot.resolve("fetch-" + Long.toHexString(RANDOM.nextLong())));
        try {
            ArtifactArchive.unpack(new ByteArrayInputStream(blob.content()), staging);
            Files.createDirectories(versionDir.getParent());
            deleteTree(versionDir); // an incomplete leftover: the module file was missing
            Files.move(staging, versionDir, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(staging);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
