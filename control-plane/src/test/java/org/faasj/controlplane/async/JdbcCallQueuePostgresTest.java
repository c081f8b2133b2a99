package org.faasj.controlplane.async;

import org.faasj.controlplane.testing.PostgresDatabase;
import org.junit.jupiter.api.AfterEach;

/**
 * The store's SQL is meant to be portable (issue 12: PostgreSQL in the cluster issue): every
 * {@link JdbcCallQueueTest} again on a throw-away PostgreSQL database (skipped where none answers).
 */
class JdbcCallQueuePostgresTest extends JdbcCallQueueTest {

    private PostgresDatabase database;

    @Override
    JdbcCallQueue openQueue() throws Exception {
        if (database == null) {
            database = PostgresDatabase.create();
        }
        return new JdbcCallQueue(database.dataSource().getConnection(), database.dataSource().getConnection(),
                JdbcCallQueue.POSTGRES_BYTES, 64);
    }

    @Override
    @AfterEach
    void close() throws Exception {
        super.close(); // the queue's connections first: the drop would cut them
        if (database != null) {
            database.close();
        }
    }
}
