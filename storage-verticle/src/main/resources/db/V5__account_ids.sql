-- contract: tokens carry the account id, and older nodes issue tokens without one
-- Every account gets an immutable random id; login tokens carry it. A token of a deleted account
-- names the deleted one's id, so it opens nothing once another account of the same name exists.
-- Existing rows get one each from the default; new accounts are given theirs by the storage code.
-- ${random_uuid} is the database's random UUID function (see Dialect#randomUuid).

ALTER TABLE users ADD COLUMN account_id VARCHAR(36) DEFAULT CAST(${random_uuid} AS VARCHAR(36)) NOT NULL;

ALTER TABLE users ADD CONSTRAINT users_account_id UNIQUE (account_id);
