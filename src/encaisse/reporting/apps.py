from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "encaisse.reporting"
    label = "reporting"
