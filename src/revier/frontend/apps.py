from django.apps import AppConfig


class FrontendConfig(AppConfig):
    name = "revier.frontend"
    verbose_name = "Frontend"
