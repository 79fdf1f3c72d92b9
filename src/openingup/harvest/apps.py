from django.apps import AppConfig


class HarvestConfig(AppConfig):
    name = "openingup.harvest"
    label = "harvest"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from openingup.harvest import tasks  # noqa: F401  registers the background tasks
