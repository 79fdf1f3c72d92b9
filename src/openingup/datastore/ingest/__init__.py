"""Ingest: any tabular file → a typed, profiled table staged in DuckDB, with a Frictionless report."""
