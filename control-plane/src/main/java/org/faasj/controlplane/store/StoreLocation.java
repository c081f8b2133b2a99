package org.faasj.controlplane.store;

import javax.sql.DataSource;

import org.faasj.controlplane.system.SqliteDatabase;

/**
 * Where the store is and how to watch it.
 *
 * @param dialect     SQLite or PostgreSQL
 * @param url         the JDBC URL, for logs and problem answers (never carries the password)
 * @param watchSource hands out a new, unpooled connection per call, for a caller that keeps one open
 * @param fresh       whether this process just created the store: only then are the demo routes seeded
 */
public record StoreLocation(StoreDialect dialect, String url, DataSource watchSource, boolean fresh) {

    /** Spring condition: {@code faas.store.url} names a shared database. */
    public static final String SHARED = "!'${faas.store.url:}'.isBlank()";
    /** Spring condition: the embedded SQLite database. */
    public static final String EMBEDDED = "'${faas.store.url:}'.isBlank()";

    public static StoreLocation sqlite(SqliteDatabase database) {
        return new StoreLocation(StoreDialect.SQLITE, database.jdbcUrl(), database.unpooled(), !database.existedAtStartup());
    }

    public boolean shared() {
        return dialect == StoreDialect.POSTGRES;
    }
}
