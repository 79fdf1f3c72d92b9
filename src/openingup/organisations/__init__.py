"""Organisations, people, roles and API tokens."""
