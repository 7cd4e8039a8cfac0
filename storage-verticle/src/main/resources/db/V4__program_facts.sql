-- expand: a new table; newer nodes fill in the facts of revisions older nodes store
-- Program facts (tools, extents, lengths, estimated time; docs/nc-program.md) per content, kept by
-- SHA-256: computed once when a revision is stored (or by the backfill at start) and shared by every
-- revision and every node with that content. is_binary marks content that is no NC program (no
-- facts). tools lists the tool numbers as ",1,12," for the list's filter; the extents and lengths
-- are NULL when the program does not move. rapid_rate is the rapid rate (mm/min) the estimated
-- time was computed with: facts of another rate are computed again.

CREATE TABLE program_facts (
  sha256            VARCHAR(64)      PRIMARY KEY,
  is_binary         BOOLEAN          NOT NULL,
  tools             VARCHAR(12000),
  min_x             DOUBLE PRECISION,
  min_y             DOUBLE PRECISION,
  min_z             DOUBLE PRECISION,
  max_x             DOUBLE PRECISION,
  max_y             DOUBLE PRECISION,
  max_z             DOUBLE PRECISION,
  estimated_seconds DOUBLE PRECISION,
  rapid_rate        DOUBLE PRECISION NOT NULL,
  facts_json        VARCHAR(1000000),
  computed_at       BIGINT           NOT NULL
);
