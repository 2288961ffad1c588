from django.apps import AppConfig


class OgestionConfig(AppConfig):
    name = "ogestion"
    verbose_name = "oGestion"
