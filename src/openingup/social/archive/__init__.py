"""The archive: an append-only, hash-chained record of everything sent and received."""
