from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "openingup.quality"
    label = "quality"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from openingup.quality import subscribers, tasks  # noqa: F401  registers tasks and listeners
