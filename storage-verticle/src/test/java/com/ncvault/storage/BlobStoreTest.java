package com.ncvault.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ncvault.contract.PdmError;
import com.ncvault.contract.StagedUpload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {

  @TempDir
  Path dataDir;
  private BlobStore store;

  @BeforeEach
  void createStore() {
    store = new BlobStore(dataDir);
    store.createDirectories();
  }

  @Test
  void contentLandsUnderItsHashAndIdenticalContentIsKeptOnce() throws Exception {
    byte[] content = "G21\nM30\n".getBytes(StandardCharsets.UTF_8);
    StagedUpload first = store.stage(content);
    Path blob = store.ingest(first);
    String sha = BlobStore.sha256(content);
    assertThat(blob).isEqualTo(dataDir.resolve("blobs").resolve(sha.substring(0, 2)).resolve(sha.substring(2)));
    assertThat(Files.readAllBytes(blob)).isEqualTo(content);
    assertThat(Path.of(first.path())).doesNotExist();

    StagedUpload second = store.stage(content);
    assertThat(store.ingest(second)).isEqualTo(blob);
    assertThat(Path.of(second.path())).doesNotExist();
    try (var files = Files.list(blob.getParent())) {
      assertThat(files.count()).isEqualTo(1);
    }
  }

  @Test
  void stagedFilesOutsideIncomingOrWithTheWrongSizeAreRefused() throws Exception {
    byte[] content = "x".getBytes(StandardCharsets.UTF_8);
    Path outside = Files.write(dataDir.resolve("evil.part"), content);
    String sha = BlobStore.sha256(content);
    assertThatThrownBy(() -> store.ingest(new StagedUpload(outside.toString(), 1, sha)))
      .isInstanceOf(PdmError.class);
    Path sneaky = dataDir.resolve("incoming").resolve("..").resolve("evil.part");
    assertThatThrownBy(() -> store.ingest(new StagedUpload(sneaky.toString(), 1, sha)))
      .isInstanceOf(PdmError.class);
    StagedUpload staged = store.stage(content);
    assertThatThrownBy(() -> store.ingest(new StagedUpload(staged.path(), 2, sha))).isInstanceOf(PdmError.class);
    assertThatThrownBy(() -> store.ingest(new StagedUpload(staged.path(), 1, "../../etc"))).isInstanceOf(PdmError.class);
    store.discard(new StagedUpload(outside.toString(), 1, sha));
    assertThat(outside).exists();
    store.discard(staged);
    assertThat(Path.of(staged.path())).doesNotExist();
  }

  @Test
  void aStagedFileReachedThroughALinkedDataDirectoryIsAccepted() throws Exception {
    Path link = Files.createSymbolicLink(dataDir.resolveSibling(dataDir.getFileName() + "-link"), dataDir);
    try {
      byte[] content = "via link".getBytes(StandardCharsets.UTF_8);
      StagedUpload staged = store.stage(content);
      Path viaLink = link.resolve("incoming").resolve(Path.of(staged.path()).getFileName());
      assertThat(store.ingest(new StagedUpload(viaLink.toString(), staged.size(), staged.sha256()))).exists();
      Path evil = Files.createSymbolicLink(dataDir.resolve("incoming").resolve("evil.part"),
        Files.write(dataDir.resolve("secret"), content));
      assertThatThrownBy(() -> store.ingest(new StagedUpload(evil.toString(), content.length,
        BlobStore.sha256(content)))).isInstanceOf(PdmError.class);
    } finally {
      Files.delete(link);
    }
  }

  @Test
  void startUpSweepsIncomingAndUnreferencedBlobs() throws Exception {
    Path keep = store.ingest(store.stage("keep".getBytes(StandardCharsets.UTF_8)));
    Path drop = store.ingest(store.stage("drop".getBytes(StandardCharsets.UTF_8)));
    store.stage("half-written upload".getBytes(StandardCharsets.UTF_8));

    assertThat(store.clearIncoming()).isEqualTo(1);
    assertThat(store.collectGarbage(Set.of(BlobStore.sha256("keep".getBytes(StandardCharsets.UTF_8))))).isEqualTo(1);
    assertThat(keep).exists();
    assertThat(drop).doesNotExist();
    assertThat(store.healthy()).isTrue();
  }
}
