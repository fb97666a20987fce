from django.urls import path

from encaisse.risk import views_blocking

urlpatterns = [
    path("blocked/", views_blocking.blocked_list_view, name="risk-blocked"),
    path("customers/<int:customer_pk>/block/", views_blocking.block_view, name="risk-block"),
    path("customers/<int:customer_pk>/unblock/", views_blocking.unblock_view, name="risk-unblock"),
    path(
        "unblock-requests/<int:pk>/decide/",
        views_blocking.decide_unblock_view,
        name="risk-unblock-decide",
    ),
]
