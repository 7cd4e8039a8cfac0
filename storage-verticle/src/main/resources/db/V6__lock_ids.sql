-- contract: older nodes take locks without an id, which newer check-ins name
-- Every checkout gets an id of its own (a UUID), cleared when the lock ends and kept by a check-in
-- that keeps the file locked. A check-in that names the lock it was prepared under is refused once
-- that lock has ended, even if its user has checked the file out again: an upload started under an
-- overridden lock can never undo the revisions committed since. Locks taken before this version
-- have no id; a check-in naming one is refused for them too (check the file out again).

ALTER TABLE files ADD COLUMN lock_id VARCHAR(64);
