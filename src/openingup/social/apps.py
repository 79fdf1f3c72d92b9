from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "openingup.social"
    label = "social"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from openingup.social import tasks  # noqa: F401  registers the background tasks
        from openingup.social.connectors import builtin  # noqa: F401  registers the built-in connectors
        from openingup.social.publishing import announcements  # noqa: F401  subscribes the announcements
