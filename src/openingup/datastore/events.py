"""Events the datastore publishes after commit (payloads carry ids only)."""

TABLE_READY = "datastore.table_ready"  # distribution_id, table_id, version
TABLE_FAILED = "datastore.table_failed"  # distribution_id, table_id

ALL = (TABLE_READY, TABLE_FAILED)
