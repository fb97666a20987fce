from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "encaisse.collaboration"
    label = "collaboration"

    def ready(self) -> None:
        from encaisse.collaboration.views_promises import customer_promises_panel
        from encaisse.core.panels import register_customer_panel

        register_customer_panel(customer_promises_panel, order=20)
