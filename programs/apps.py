from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"
    verbose_name = "Catalogue"

    def ready(self):
        from programs import signals  # noqa: F401  (connects the write-path guards)
