from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "openingup.readiness"
    label = "readiness"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from openingup.readiness import subscribers, tasks  # noqa: F401  registers tasks and listeners
