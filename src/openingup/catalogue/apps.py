from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "openingup.catalogue"
    label = "catalogue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from openingup.catalogue import tasks  # noqa: F401  registers background tasks
