from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = "Contributions des adhérents"
