-- contract: the first schema; no node older than it exists
-- Schema of the vault. Shared by H2 and PostgreSQL: times are epoch milliseconds (BIGINT).

CREATE TABLE users (
  username      VARCHAR(32)  PRIMARY KEY,
  password_hash VARCHAR(100) NOT NULL,
  role          VARCHAR(16)  NOT NULL,
  created_at    BIGINT       NOT NULL
);

-- name_key (lower case) keeps names unique regardless of case, as Windows clients need.
CREATE TABLE files (
  filename         VARCHAR(255)  PRIMARY KEY,
  name_key         VARCHAR(255)  NOT NULL UNIQUE,
  grp              VARCHAR(32)   NOT NULL,
  description      VARCHAR(2000) NOT NULL,
  current_revision VARCHAR(16)   NOT NULL,
  size             BIGINT        NOT NULL,
  sha256           VARCHAR(64)   NOT NULL,
  created_at       BIGINT        NOT NULL,
  modified_at      BIGINT        NOT NULL,
  deleted          BOOLEAN       NOT NULL,
  locked_by        VARCHAR(32),
  locked_at        BIGINT,
  lock_message     VARCHAR(2000)
);

CREATE TABLE revisions (
  filename   VARCHAR(255)  NOT NULL,
  revision   VARCHAR(16)   NOT NULL,
  major      INTEGER       NOT NULL,
  minor      INTEGER       NOT NULL,
  author     VARCHAR(32)   NOT NULL,
  created_at BIGINT        NOT NULL,
  message    VARCHAR(2000) NOT NULL,
  size       BIGINT        NOT NULL,
  sha256     VARCHAR(64)   NOT NULL,
  PRIMARY KEY (filename, revision)
);

CREATE INDEX revisions_created ON revisions (created_at);

-- One row per committed change; event_json is exactly the DomainEvent that was published.
CREATE TABLE activity (
  seq        BIGINT          PRIMARY KEY,
  event_type VARCHAR(32)     NOT NULL,
  filename   VARCHAR(255),
  username   VARCHAR(32)     NOT NULL,
  created_at BIGINT          NOT NULL,
  revision   VARCHAR(16),
  message    VARCHAR(2000),
  event_json VARCHAR(1000000) NOT NULL
);

CREATE INDEX activity_user ON activity (username);

-- The row 'seq' is the global event counter; updating it serialises writers, so seq is gap-free.
CREATE TABLE counters (
  name          VARCHAR(32) PRIMARY KEY,
  current_value BIGINT      NOT NULL
);

INSERT INTO counters (name, current_value) VALUES ('seq', 0);
