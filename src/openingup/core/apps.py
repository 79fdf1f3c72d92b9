from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openingup.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from openingup.core import schedule  # noqa: F401  registers the housekeeping of periodic jobs
