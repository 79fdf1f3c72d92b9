"""The text side of the index, by database: an FTS5 table on SQLite, tsvector columns on PostgreSQL."""

from typing import Any

from django.db import migrations


def create(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        from openingup.search.backends.sqlite_fts5 import CREATE

        schema_editor.execute(CREATE)
    elif vendor == "postgresql":
        from openingup.search.backends.postgres import CREATE as STATEMENTS

        for statement in STATEMENTS:
            schema_editor.execute(statement)


def drop(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        from openingup.search.backends.sqlite_fts5 import DROP

        schema_editor.execute(DROP)
    elif vendor == "postgresql":
        from openingup.search.backends.postgres import DROP as STATEMENTS

        for statement in STATEMENTS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
