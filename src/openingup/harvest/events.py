"""Events the harvest context publishes (after commit)."""

SOURCE_ADDED = "harvest.source_added"
SOURCE_CHANGED = "harvest.source_changed"
SOURCE_DELETED = "harvest.source_deleted"
HARVEST_STARTED = "harvest.started"
HARVEST_FINISHED = "harvest.finished"
