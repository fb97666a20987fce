from django.apps import AppConfig


class DunningConfig(AppConfig):
    name = "encaisse.dunning"
    label = "dunning"

    def ready(self) -> None:
        from encaisse.core.panels import register_customer_panel
        from encaisse.dunning.views import customer_dunning_panel, customer_timeline_panel

        register_customer_panel(customer_dunning_panel, order=10)
        register_customer_panel(customer_timeline_panel, order=30)
