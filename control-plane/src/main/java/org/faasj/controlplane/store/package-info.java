/**
 * Which database the platform keeps its shared state in, and its schema. With {@code faas.store.url}
 * unset that is the embedded SQLite file in the data dir; with a {@code jdbc:postgresql:} URL it is
 * one PostgreSQL database that every node of a cluster uses. {@link org.faasj.controlplane.store.SchemaMigrations}
 * applies the ordered {@code db/migration/V<n>__*.sql} files to either; the only differences between
 * the two databases live in {@link org.faasj.controlplane.store.StoreDialect}. Also this node's lasting
 * id ({@link org.faasj.controlplane.store.NodeIdentity}) and the notification channels other features
 * listen on ({@link org.faasj.controlplane.store.StoreChannel}).
 */
package org.faasj.controlplane.store;
