from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "encaisse.collaboration"
    label = "collaboration"
