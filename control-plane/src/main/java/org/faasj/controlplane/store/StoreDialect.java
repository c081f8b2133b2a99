package org.faasj.controlplane.store;

import java.util.Map;

/**
 * The seam between SQLite and PostgreSQL: the few things the two spell differently. Migration
 * files use {@code ${name}} placeholders for the types here; everything else is portable SQL.
 */
public enum StoreDialect {

    SQLITE(Map.of("blob", "BLOB"), "PRAGMA data_version", null),
    POSTGRES(Map.of("blob", "BYTEA"), "SELECT counter FROM store_changes WHERE id = 1",
            // one lock for the whole cluster: two nodes starting at once must not both apply a migration
            "SELECT pg_advisory_xact_lock(7233001)");

    private final Map<String, String> types;
    private final String changeMarkerSql;
    private final String migrationLockSql;

    StoreDialect(Map<String, String> types, String changeMarkerSql, String migrationLockSql) {
        this.types = types;
        this.changeMarkerSql = changeMarkerSql;
        this.migrationLockSql = migrationLockSql;
    }

    /** The dialect of a JDBC URL; only SQLite and PostgreSQL are supported. */
    public static StoreDialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRES;
        }
        throw new IllegalArgumentException("faas.store.url must be a jdbc:postgresql: URL, not " + jdbcUrl);
    }

    /** Replaces the {@code ${name}} placeholders of a migration script with this dialect's types. */
    public String render(String script) {
        String rendered = script;
        for (Map.Entry<String, String> type : types.entrySet()) {
            rendered = rendered.replace("${" + type.getKey() + "}", type.getValue());
        }
        return rendered;
    }

    /**
     * A single number that changes whenever the route or version tables may have: SQLite's own
     * {@code data_version}, or on PostgreSQL the counter every change bumps in its transaction.
     */
    public String changeMarkerSql() {
        return changeMarkerSql;
    }

    /** Serializes migrations across processes, run first in each migration's transaction; null when not needed. */
    String migrationLockSql() {
        return migrationLockSql;
    }
}
