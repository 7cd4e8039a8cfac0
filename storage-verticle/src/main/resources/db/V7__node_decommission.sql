-- expand
-- A node an admin decommissioned: out of the node list, never asked for content, refused at its
-- next start until reinstated. Expand only: nodes of the previous version never name these
-- columns (their heartbeat leaves them as they are) and go on working beside this one.

ALTER TABLE nodes ADD COLUMN decommissioned_at BIGINT;
ALTER TABLE nodes ADD COLUMN decommissioned_by VARCHAR(32);
