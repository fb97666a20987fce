from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "encaisse.demo"
    label = "demo"
