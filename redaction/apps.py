from django.apps import AppConfig


class RedactionConfig(AppConfig):
    name = "redaction"
    default_auto_field = "django.db.models.BigAutoField"
