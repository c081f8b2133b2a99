package org.faasj.controlplane.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactArchiveTest {

    @TempDir
    Path tmp;

    @Test
    void roundTrip_keepsFilesSubdirectoriesAndPermissions() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("v1"));
        Files.writeString(dir.resolve("f.php"), "<?php echo 1;");
        Files.createDirectories(dir.resolve("bin"));
        Path binary = Files.write(dir.resolve("bin/run"), new byte[] {0x7f, 'E', 'L', 'F', 0});
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-x---"));

        byte[] archive = ArtifactArchive.pack(dir);
        Path target = Files.createDirectory(tmp.resolve("copy"));
        ArtifactArchive.unpack(new ByteArrayInputStream(archive), target);

        assertThat(Files.readString(target.resolve("f.php"))).isEqualTo("<?php echo 1;");
        assertThat(Files.readAllBytes(target.resolve("bin/run"))).containsExactly(0x7f, 'E', 'L', 'F', 0);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("bin/run")))).isEqualTo("rwxr-x---");
        assertThat(ArtifactArchive.pack(target)).as("same files, same bytes, same digest").isEqualTo(archive);
    }

    @Test
    void unpack_refusesAnEntryThatLeavesTheTarget() throws IOException {
        byte[] evil = archive("../escaped", 3);
        Path target = Files.createDirectory(tmp.resolve("t"));

        assertThatThrownBy(() -> ArtifactArchive.unpack(new ByteArrayInputStream(evil), target))
                .hasMessageContaining("leaves");
        assertThat(tmp.resolve("escaped")).doesNotExist();
    }

    @Test
    void unpack_refusesMoreBytesThanTheLimit() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("t"));

        ArtifactArchive.unpack(new ByteArrayInputStream(archive("ok", 10)), target, 10);
        Path second = Files.createDirectory(tmp.resolve("t2"));
        assertThatThrownBy(() -> ArtifactArchive.unpack(new ByteArrayInputStream(archive("big", 11)), second, 10))
                .hasMessageContaining("larger than 10");
    }

    @Test
    void unpack_refusesSomethingElse() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("t"));
        assertThatThrownBy(() -> ArtifactArchive.unpack(new ByteArrayInputStream(new byte[] {0, 3, 'z', 'i', 'p'}), target))
                .hasMessageContaining("not an artifact archive");
    }

    private static byte[] archive(String name, int size) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF("FAJA1");
            out.writeUTF(name);
            out.writeUTF("rw-r--r--");
            out.writeLong(size);
            out.write(new byte[size]);
            out.writeUTF("");
        }
        return bytes.toByteArray();
    }
}
