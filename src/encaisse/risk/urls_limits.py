from django.urls import path

from encaisse.risk import views_limits

urlpatterns = [
    path("over-limit/", views_limits.over_limit_view, name="risk-over-limit"),
    path("limit-requests/", views_limits.limit_requests_view, name="risk-limit-requests"),
    path(
        "limit-requests/<int:pk>/decide/",
        views_limits.limit_request_decide_view,
        name="risk-limit-decide",
    ),
    path("customers/<int:pk>/limits/", views_limits.limits_edit_view, name="risk-limits-edit"),
    path(
        "customers/<int:pk>/limits/request/",
        views_limits.limit_request_new_view,
        name="risk-limit-request",
    ),
]
