from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "encaisse.bench"
    label = "bench"
