"""Every ``openingup`` sub-command; a new command is one module added to this list."""

from openingup.cli.commands import (
    admin,
    config_cmd,
    datastore_cmd,
    demo,
    exchange,
    search_cmd,
    serve,
    worker,
)

COMMANDS = (serve, worker, demo, admin, exchange, datastore_cmd, search_cmd, config_cmd)
