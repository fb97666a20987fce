from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "encaisse.collaboration"
    label = "collaboration"

    def ready(self) -> None:
        from encaisse.collaboration.views_notes import customer_notes_panel
        from encaisse.collaboration.views_promises import customer_promises_panel
        from encaisse.collaboration.views_terms import customer_terms_panel
        from encaisse.core.panels import register_customer_panel

        register_customer_panel(customer_promises_panel, order=15)
        register_customer_panel(customer_notes_panel, order=20)
        register_customer_panel(customer_terms_panel, order=25)
