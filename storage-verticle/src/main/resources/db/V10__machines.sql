-- expand: new tables
-- Machines the vault sends programs to (docs/machines.md). transport_json is the transport as
-- given, with an FTP password replaced by password_enc: AES-GCM under the node key in the data
-- directory, never the password itself. name_key (lower case) keeps names unique regardless of case.
-- node: the node that sends to the machine and receives from it (empty: any node sends, every node receives).
CREATE TABLE machines (
  name           VARCHAR(64)   PRIMARY KEY,
  name_key       VARCHAR(64)   NOT NULL UNIQUE,
  machine_group  VARCHAR(100)  NOT NULL,
  controller     VARCHAR(100)  NOT NULL,
  kind           VARCHAR(16)   NOT NULL,
  transport_json VARCHAR(4000) NOT NULL,
  node           VARCHAR(100)  NOT NULL,
  created_at     BIGINT        NOT NULL,
  created_by     VARCHAR(32)   NOT NULL,
  updated_at     BIGINT        NOT NULL
);

-- Which files may be sent to which machine.
CREATE TABLE file_machines (
  filename    VARCHAR(255) NOT NULL,
  machine     VARCHAR(64)  NOT NULL,
  assigned_at BIGINT       NOT NULL,
  assigned_by VARCHAR(32)  NOT NULL,
  PRIMARY KEY (filename, machine)
);

CREATE INDEX file_machines_machine ON file_machines (machine);

-- The transfer log: who sent what revision (and its SHA-256) to which machine, when, and how it ended.
CREATE TABLE transfers (
  id          VARCHAR(36)   PRIMARY KEY,
  machine     VARCHAR(64)   NOT NULL,
  filename    VARCHAR(255)  NOT NULL,
  revision    VARCHAR(16)   NOT NULL,
  sha256      VARCHAR(64)   NOT NULL,
  username    VARCHAR(32)   NOT NULL,
  node        VARCHAR(100)  NOT NULL,
  status      VARCHAR(16)   NOT NULL,
  attempts    INTEGER       NOT NULL,
  bytes       BIGINT        NOT NULL,
  verified    BOOLEAN       NOT NULL,
  started_at  BIGINT        NOT NULL,
  finished_at BIGINT,
  reason      VARCHAR(1000)
);

CREATE INDEX transfers_started ON transfers (started_at);

-- Programs that came back from a machine, waiting for a decision. content_b64 holds the program
-- (Base64, so both databases store it as text alike); programs are limited to 4 MiB.
CREATE TABLE import_queue (
  id          VARCHAR(36)     PRIMARY KEY,
  machine     VARCHAR(64)     NOT NULL,
  received_at BIGINT          NOT NULL,
  name        VARCHAR(255),
  filename    VARCHAR(255),
  size        BIGINT          NOT NULL,
  sha256      VARCHAR(64)     NOT NULL,
  content_b64 VARCHAR(6000000) NOT NULL,
  status      VARCHAR(16)     NOT NULL,
  decided_by  VARCHAR(32),
  decided_at  BIGINT,
  message     VARCHAR(2000),
  revision    VARCHAR(16)
);

CREATE INDEX import_queue_received ON import_queue (received_at);
