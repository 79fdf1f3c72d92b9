"""Every ``openingup`` sub-command; a new command is one module added to this list."""

from openingup.cli.commands import admin, config_cmd, datastore_cmd, demo, exchange, serve, worker

COMMANDS = (serve, worker, demo, admin, exchange, datastore_cmd, config_cmd)
