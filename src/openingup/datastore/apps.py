from django.apps import AppConfig


class DatastoreConfig(AppConfig):
    name = "openingup.datastore"
    label = "datastore"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from openingup.datastore import subscribers, tasks  # noqa: F401  registers tasks and listeners
