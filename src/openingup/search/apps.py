from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "openingup.search"
    label = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from openingup.search import subscribers, tasks  # noqa: F401  registers tasks and listeners
