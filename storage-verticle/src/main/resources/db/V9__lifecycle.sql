-- expand: new columns with defaults and a new table
-- The lifecycle (docs/lifecycle.md): every file has a state, and at most one released revision,
-- which stays released while later check-ins make new drafts. Files from before this version are drafts.
ALTER TABLE files ADD COLUMN state VARCHAR(16) DEFAULT 'draft' NOT NULL;
ALTER TABLE files ADD COLUMN released_rev VARCHAR(16);

-- One row per transition; a release (signed = TRUE) is an electronic signature: the signer's password
-- was checked, and the revision's SHA-256 is what was signed. Kept for the audit trail, never trimmed.
CREATE TABLE transitions (
  id         VARCHAR(64)   PRIMARY KEY,
  filename   VARCHAR(255)  NOT NULL,
  from_state VARCHAR(16)   NOT NULL,
  to_state   VARCHAR(16)   NOT NULL,
  revision   VARCHAR(16)   NOT NULL,
  sha256     VARCHAR(64)   NOT NULL,
  username   VARCHAR(32)   NOT NULL,
  created_at BIGINT        NOT NULL,
  comment    VARCHAR(2000),
  signed     BOOLEAN       NOT NULL
);

CREATE INDEX transitions_file ON transitions (filename, created_at);
CREATE INDEX transitions_created ON transitions (created_at);
