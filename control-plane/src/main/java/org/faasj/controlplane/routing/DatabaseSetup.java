package org.faasj.controlplane.routing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.faasj.controlplane.store.SchemaMigrations;
import org.faasj.controlplane.store.StoreLocation;
import org.faasj.controlplane.system.SqliteDatabase;
import org.faasj.model.FunctionDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.EncodedResource;
import org.springframework.jdbc.datasource.init.ScriptUtils;

/**
 * Prepares the store before anything reads it: the schema migrations first, on either database;
 * then a new SQLite database gets the classpath {@code init.sql} (demo routes) and the demo scripts
 * it points at. An existing one is never reseeded, so routes deleted by the operator stay deleted,
 * and a shared PostgreSQL store is never seeded at all (its nodes would each have to hold the demo
 * files, and a cluster's operator wants only the functions deployed to it).
 */
public class DatabaseSetup {

    private static final Logger log = LoggerFactory.getLogger(DatabaseSetup.class);

    static final String INIT_SCRIPT = "init.sql";
    static final String EXAMPLES = "examples/";

    private final DataSource dataSource;
    private final StoreLocation database;
    private final RouteStore store;

    public DatabaseSetup(DataSource dataSource, SqliteDatabase database, Path dataDir) {
        this(dataSource, StoreLocation.sqlite(database), dataDir);
    }

    public DatabaseSetup(DataSource dataSource, StoreLocation database, Path dataDir) {
        this.dataSource = dataSource;
        this.database = database;
        this.store = new RouteStore(dataSource, dataDir);
    }

    /** Idempotent: safe to call on every start. */
    public void prepare() {
        new SchemaMigrations(dataSource, database.dialect()).apply();
        if (!database.fresh()) {
            log.debug("Using existing store {}", database.url());
            return;
        }
        runInitScript();
        List<String> copied = copySeedModules();
        log.info("Created database {} with {} seed routes; copied example functions {} into {}",
                database.url(), store.loadAll().size(), copied, store.dataDir());
    }

    /** One transaction, so a crash mid-script leaves no half-seeded table behind. */
    private void runInitScript() {
        EncodedResource script = new EncodedResource(new ClassPathResource(INIT_SCRIPT), StandardCharsets.UTF_8);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                ScriptUtils.executeSqlScript(connection, script);
                connection.commit();
            } catch (RuntimeException | SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + INIT_SCRIPT + " on " + database.url(), e);
        }
    }

    private List<String> copySeedModules() {
        List<String> copied = new ArrayList<>();
        for (StoredRow row : store.loadAll()) {
            FunctionDescriptor descriptor = DescriptorJson.parse(row.key(), row.json());
            Path target = store.modulePath(descriptor.module());
            if (!target.startsWith(store.dataDir())) {
                continue; // an absolute seed module is installed by whoever wrote the row
            }
            String fileName = target.getFileName().toString();
            if (copyExample(fileName, target)) {
                copied.add(fileName);
            } else {
                log.warn("Seed route {} points at {} but the classpath has no {}{}",
                        row.key(), target, EXAMPLES, fileName);
            }
        }
        return copied;
    }

    private static boolean copyExample(String fileName, Path target) {
        ClassPathResource source = new ClassPathResource(EXAMPLES + fileName);
        if (!source.exists()) {
            return false;
        }
        try (InputStream in = source.getInputStream()) {
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install example " + fileName + " at " + target, e);
        }
    }
}
