from django.apps import AppConfig


class DunningConfig(AppConfig):
    name = "encaisse.dunning"
    label = "dunning"

    def ready(self) -> None:
        from django.utils.translation import pgettext_lazy

        from encaisse.accounts.permissions import can_act_on_customers
        from encaisse.core.panels import (
            CustomerAction,
            register_customer_action,
            register_customer_panel,
        )
        from encaisse.dunning.views import customer_dunning_panel, customer_timeline_panel

        register_customer_panel(customer_dunning_panel, order=10)
        register_customer_panel(customer_timeline_panel, order=30)
        register_customer_action(
            CustomerAction(  # a hold is asked on a planned reminder, in the dunning panel
                label=pgettext_lazy("customer action", "Hold"),
                anchor="dunning",
                allowed=can_act_on_customers,
                order=50,
            )
        )
