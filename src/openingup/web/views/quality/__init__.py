"""Pages of the quality context and their machine-readable twins (ADR 0008: routes live in the shells)."""
