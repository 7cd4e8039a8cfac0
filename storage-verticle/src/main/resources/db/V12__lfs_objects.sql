-- expand: a new table
-- Git LFS objects: content of the blob store that no revision refers to but that Git repositories
-- do (uploaded through /lfs). A row keeps its blob from the start-up sweep of unreferenced content.
CREATE TABLE lfs_objects (
  sha256     VARCHAR(64) PRIMARY KEY,
  size       BIGINT      NOT NULL,
  created_by VARCHAR(32) NOT NULL,
  created_at BIGINT      NOT NULL
);
