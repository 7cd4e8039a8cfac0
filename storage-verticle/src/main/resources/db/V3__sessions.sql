-- contract: older nodes would accept tokens that a password change ended
-- When the account's sessions last ended (epoch milliseconds): tokens issued before are refused.
-- A new password ends them, so that a reset locks out whoever had the old one.

ALTER TABLE users ADD COLUMN sessions_since BIGINT DEFAULT 0 NOT NULL;
