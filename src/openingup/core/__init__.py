"""Shared kernel: events, tasks, safe HTTP client, errors — no domain models."""
