"""Every ``openingup`` sub-command; a new command is one module added to this list."""

from openingup.cli.commands import (
    admin,
    apikey_cmd,
    config_cmd,
    datastore_cmd,
    demo,
    exchange,
    feedback_cmd,
    harvest_cmd,
    quality_cmd,
    readiness_cmd,
    reports_cmd,
    schedule_cmd,
    search_cmd,
    serve,
    social_cmd,
    worker,
)

COMMANDS = (
    serve,
    worker,
    demo,
    admin,
    exchange,
    datastore_cmd,
    search_cmd,
    harvest_cmd,
    config_cmd,
    quality_cmd,
    apikey_cmd,
    social_cmd,
    reports_cmd,
    feedback_cmd,
    readiness_cmd,
    schedule_cmd,
)
