package org.faasj.controlplane.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;

import org.faasj.controlplane.testing.PostgresDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The store's SQL is meant to be portable (issue 12: PostgreSQL in the cluster issue): every
 * {@link JdbcCallQueueTest} again on a throw-away PostgreSQL database (skipped where none answers).
 */
class JdbcCallQueuePostgresTest extends JdbcCallQueueTest {

    private PostgresDatabase database;

    @Override
    JdbcCallQueue openQueue(JdbcCallQueue.Claims claims) throws Exception {
        if (database == null) {
            database = PostgresDatabase.create();
        }
        return JdbcCallQueue.openPostgres(database.dataSource()::getConnection, 64, claims);
    }

    /** A restarted server (here: its connections killed) costs the one operation that hit it, not the queue. */
    @Test
    void theQueueReconnectsAfterItsConnectionsWereCut() throws Exception {
        queue.enqueue(call("before", "f", 1000));
        terminateOtherConnections();

        assertThatThrownBy(() -> queue.find("before")).isInstanceOf(QueueException.class);
        assertThat(queue.find("before")).isPresent();
        assertThatThrownBy(() -> queue.claim(1000, 1, Map.of(), 1)).isInstanceOf(QueueException.class);
        assertThat(queue.claim(1000, 1, Map.of(), 1)).extracting(ClaimedCall::callId).containsExactly("before");
    }

    /** Notifies {@code faasj_async} when a call is stored, delivered at commit. */
    @Test
    void anEnqueueNotifiesTheAsyncChannel() throws Exception {
        try (Connection listener = database.dataSource().getConnection(); Statement s = listener.createStatement()) {
            s.execute("LISTEN " + JdbcCallQueue.CHANNEL);
            queue.enqueue(call("wake", "f", 1000));
            PGNotification[] heard = listener.unwrap(PGConnection.class).getNotifications(5000);
            assertThat(heard).isNotNull().extracting(PGNotification::getName).contains(JdbcCallQueue.CHANNEL);
        }
    }

    /** A call handed back, or given back at a clean stop, wakes the other nodes like a new one. */
    @Test
    void aHandBackAndACleanStopNotifyTheAsyncChannel() throws Exception {
        try (JdbcCallQueue a = openQueue(node("a")); Connection listener = database.dataSource().getConnection();
             Statement s = listener.createStatement()) {
            a.enqueue(call("back", "f", 1000));
            a.enqueue(call("stopped", "f", 1000));
            s.execute("LISTEN " + JdbcCallQueue.CHANNEL);
            PGConnection pg = listener.unwrap(PGConnection.class);
            pg.getNotifications(200); // whatever the enqueues sent

            a.claim(1000, 2, Map.of(), 2);
            a.handBack("back", 1000);
            assertThat(pg.getNotifications(5000)).isNotNull().extracting(PGNotification::getName)
                    .contains(JdbcCallQueue.CHANNEL);
            a.claim(1000, 1, Map.of(), 2);
            a.recover(1000);
            assertThat(pg.getNotifications(5000)).isNotNull().extracting(PGNotification::getName)
                    .contains(JdbcCallQueue.CHANNEL);
        }
    }

    private void terminateOtherConnections() throws Exception {
        try (Connection admin = database.dataSource().getConnection(); Statement s = admin.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
        }
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
