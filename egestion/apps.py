from django.apps import AppConfig


class EgestionConfig(AppConfig):
    name = "egestion"
    verbose_name = "eGestion"
