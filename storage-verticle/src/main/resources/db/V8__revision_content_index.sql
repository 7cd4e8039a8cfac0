-- expand: an index
-- Which revisions refer to a content: asked for every copy count, node view and program fact.
CREATE INDEX revisions_sha256 ON revisions (sha256);
