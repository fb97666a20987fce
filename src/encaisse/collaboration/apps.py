from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "encaisse.collaboration"
    label = "collaboration"

    def ready(self) -> None:
        from encaisse.collaboration.views_disputes import customer_disputes_panel
        from encaisse.core.panels import register_customer_panel

        register_customer_panel(customer_disputes_panel, order=20)
