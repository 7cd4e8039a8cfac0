-- expand: new tables only
-- Content across sites: every node keeps its own blob store. The registry says where each node
-- can be reached; blob_locations says which node holds which content.

CREATE TABLE nodes (
  name       VARCHAR(64)  PRIMARY KEY,
  base_url   VARCHAR(500) NOT NULL,
  last_seen  BIGINT       NOT NULL
);

CREATE TABLE blob_locations (
  sha256     VARCHAR(64)  NOT NULL,
  node       VARCHAR(64)  NOT NULL,
  stored_at  BIGINT       NOT NULL,
  PRIMARY KEY (sha256, node)
);

CREATE INDEX blob_locations_node ON blob_locations (node);
