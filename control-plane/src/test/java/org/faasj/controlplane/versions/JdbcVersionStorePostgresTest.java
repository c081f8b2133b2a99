package org.faasj.controlplane.versions;

import org.faasj.controlplane.store.SchemaMigrations;
import org.faasj.controlplane.store.StoreDialect;
import org.faasj.controlplane.testing.PostgresDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import com.zaxxer.hikari.HikariDataSource;

/** Every {@link JdbcVersionStoreTest} case again, on PostgreSQL with the schema the migrations make. */
class JdbcVersionStorePostgresTest extends JdbcVersionStoreTest {

    PostgresDatabase database;

    @BeforeEach
    @Override
    void open() {
        database = PostgresDatabase.create();
        pool = new HikariDataSource();
        pool.setJdbcUrl(database.jdbcUrl());
        pool.setUsername("postgres");
        pool.setMaximumPoolSize(2);
        new SchemaMigrations(pool, StoreDialect.POSTGRES).apply();
        store = new JdbcVersionStore(pool);
    }

    @AfterEach
    @Override
    void close() {
        pool.close();
        try {
            database.close();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
