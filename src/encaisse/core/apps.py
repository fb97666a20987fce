from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "encaisse.core"
    label = "core"
