package org.faasj.controlplane.versions;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@link VersionStore} in plain SQL that SQLite and PostgreSQL both run: TEXT, INTEGER and BIGINT
 * columns, a composite primary key, {@code CASE} instead of any dialect's upsert. Statements join
 * the caller's Spring transaction, so a version and its route row commit together.
 */
public final class JdbcVersionStore implements VersionStore {

    private static final String COLUMNS =
            "name, version, route_key, code_digest, descriptor, build_output, deployed_at, deployed_by, active";

    private final JdbcClient jdbc;

    public JdbcVersionStore(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    @Override
    public void insertActive(FunctionVersion version) {
        jdbc.sql("UPDATE function_versions SET active = 0 WHERE name = ?").param(version.name()).update();
        jdbc.sql("INSERT INTO function_versions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)")
                .param(version.name())
                .param(version.version())
                .param(version.routeKey())
                .param(version.codeDigest())
                .param(version.descriptor())
                .param(version.buildOutput())
                .param(version.deployedAt())
                .param(version.deployedBy())
                .update();
    }

    @Override
    public List<FunctionVersion> list(String name) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM function_versions WHERE name = ? ORDER BY version DESC")
                .param(name).query(JdbcVersionStore::read).list();
    }

    @Override
    public Optional<FunctionVersion> find(String name, int version) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM function_versions WHERE name = ? AND version = ?")
                .param(name).param(version).query(JdbcVersionStore::read).optional();
    }

    @Override
    public int highestVersion(String name) {
        return jdbc.sql("SELECT COALESCE(MAX(version), 0) FROM function_versions WHERE name = ?")
                .param(name).query(Integer.class).single();
    }

    @Override
    public boolean activate(String name, int version) {
        if (find(name, version).isEmpty()) {
            return false;
        }
        jdbc.sql("UPDATE function_versions SET active = CASE WHEN version = ? THEN 1 ELSE 0 END WHERE name = ?")
                .param(version).param(name).update();
        return true;
    }

    @Override
    public void remove(String name, List<Integer> versions) {
        for (int version : versions) {
            jdbc.sql("DELETE FROM function_versions WHERE name = ? AND version = ?").param(name).param(version).update();
        }
    }

    @Override
    public List<FunctionVersion> all() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM function_versions ORDER BY name, version DESC")
                .query(JdbcVersionStore::read).list();
    }

    private static FunctionVersion read(ResultSet rs, int row) throws SQLException {
        return new FunctionVersion(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getLong(7), rs.getString(8), rs.getInt(9) != 0);
    }
}
