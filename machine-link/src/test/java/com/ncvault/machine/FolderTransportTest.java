package com.ncvault.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderTransportTest {
    private static final byte[] PROGRAM = "%\nO1234\nG0 X0\nM30\n%\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;
    Path root;
    Path outside;
    MachineFolders roots;

    @BeforeEach
    void folders() throws IOException {
        root = Files.createDirectories(tmp.resolve("shares"));
        outside = Files.createDirectories(tmp.resolve("elsewhere"));
        roots = MachineFolders.of(List.of(root.toString()));
    }

    @Test
    void a_program_is_moved_into_place_whole_and_read_back() throws Exception {
        Path mill = Files.createDirectories(root.resolve("mill1"));
        Files.write(mill.resolve("O1234.nc"), "old".getBytes(StandardCharsets.US_ASCII));
        FolderTransport folder = new FolderTransport(roots, mill.toString(), null);

        Transport.Delivery delivery = folder.send("O1234.nc", PROGRAM);

        assertThat(delivery.verified()).isTrue();
        assertThat(delivery.sha256()).isEqualTo(Sha256.of(PROGRAM));
        assertThat(delivery.bytes()).isEqualTo(PROGRAM.length);
        assertThat(Files.readAllBytes(mill.resolve("O1234.nc"))).isEqualTo(PROGRAM);
        try (Stream<Path> left = Files.list(mill)) {
            assertThat(left).containsExactly(mill.resolve("O1234.nc"));
        }
    }

    @Test
    void folders_outside_the_roots_are_refused_however_they_are_spelled() throws Exception {
        Path link = root.resolve("link");
        Files.createSymbolicLink(link, outside);

        assertThatThrownBy(() -> roots.require(outside.toString())).hasMessageContaining("outside");
        assertThatThrownBy(() -> roots.require(root + "/../elsewhere")).hasMessageContaining("outside");
        assertThatThrownBy(() -> roots.require("relative/dir")).hasMessageContaining("absolute");
        assertThatThrownBy(() -> roots.require(link.toString())).hasMessageContaining("link");
        assertThatThrownBy(() -> roots.require(link + "/deeper")).hasMessageContaining("link");
        assertThatThrownBy(() -> MachineFolders.of(List.of()).require(root.toString()))
                .hasMessageContaining("machineFolderRoots");
        assertThat(roots.require(root + "/mill1/../mill2")).isEqualTo(root.resolve("mill2"));
    }

    @Test
    void a_folder_turned_into_a_link_out_of_the_roots_after_registration_is_not_written() throws Exception {
        Path mill = Files.createDirectories(root.resolve("mill1"));
        FolderTransport folder = new FolderTransport(roots, mill.toString(), null);
        Files.delete(mill);
        Files.createSymbolicLink(mill, outside);

        assertThatThrownBy(() -> folder.send("O1234.nc", PROGRAM)).hasMessageContaining("link");
        try (Stream<Path> written = Files.list(outside)) {
            assertThat(written).isEmpty();
        }
    }

    @Test
    void names_that_walk_directories_are_refused() throws Exception {
        FolderTransport folder = new FolderTransport(roots, root.toString(), null);

        for (String bad : List.of("../O1.nc", "a/b.nc", "..", ".hidden", "", "a\\b", "x\ny")) {
            assertThatThrownBy(() -> folder.send(bad, PROGRAM)).isInstanceOf(IllegalArgumentException.class);
        }
        try (Stream<Path> written = Files.list(tmp)) {
            assertThat(written).containsExactlyInAnyOrder(root, outside);
        }
    }

    @Test
    void a_missing_machine_folder_fails_the_send() {
        FolderTransport folder = new FolderTransport(roots, root.resolve("not-mounted").toString(), null);

        assertThatThrownBy(() -> folder.send("O1.nc", PROGRAM)).isInstanceOf(IOException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void programs_in_the_inbox_are_taken_once_and_refused_ones_stay() throws Exception {
        Path inbox = Files.createDirectories(root.resolve("mill1-out"));
        Files.write(inbox.resolve("O1234.nc"), PROGRAM);
        Files.write(inbox.resolve("O55.nc"), "O55\nM30\n".getBytes(StandardCharsets.US_ASCII));
        Files.write(inbox.resolve(".partial"), "x".getBytes(StandardCharsets.US_ASCII));
        Files.write(inbox.resolve("HUGE.NC"), new byte[Inbox.MAX_PROGRAM_BYTES + 1]);
        FolderTransport folder = new FolderTransport(roots, root.toString(), inbox.toString());
        List<String> got = new ArrayList<>();

        int taken = folder.poll((name, content) -> {
            if (name.equals("O55.nc")) {
                throw new IllegalStateException("refused");
            }
            got.add(name);
            assertThat(content).isEqualTo(PROGRAM);
        });

        assertThat(taken).isEqualTo(1);
        assertThat(got).containsExactly("O1234.nc");
        assertThat(inbox.resolve("O1234.nc")).doesNotExist();
        assertThat(inbox.resolve("O55.nc")).exists();
        assertThat(inbox.resolve("HUGE.NC")).as("left where it is, never read").exists();
        assertThat(folder.poll((name, content) -> { })).isEqualTo(1);
    }
}
