from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "openingup.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from openingup.reports import subscribers, tasks  # noqa: F401  registers listeners and tasks
        from openingup.reports.classify import social
        from openingup.reports.classify import tasks as classify_tasks  # noqa: F401  registers training

        social.register()  # the social enrichment's "is this a service request?" uses the classifier
