from django.apps import AppConfig


class QualificationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "qualification"
    verbose_name = "Lead qualification"

    def ready(self) -> None:
        # Register the tasks in every process (web included), so ``enqueue_safely`` can send
        # them by name; otherwise only the worker knows them.
        from qualification import tasks  # noqa: F401
