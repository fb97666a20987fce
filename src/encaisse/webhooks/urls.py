from django.urls import path

from encaisse.webhooks import views

urlpatterns = [
    path("", views.subscription_list_view, name="webhook-subscriptions"),
    path("new/", views.subscription_new_view, name="webhook-subscription-new"),
    path("<int:pk>/", views.subscription_view, name="webhook-subscription"),
    path("<int:pk>/active/", views.subscription_active_view, name="webhook-subscription-active"),
    path("<int:pk>/secret/", views.subscription_secret_view, name="webhook-subscription-secret"),
    path("<int:pk>/ping/", views.subscription_ping_view, name="webhook-subscription-ping"),
    path("deliveries/", views.delivery_list_view, name="webhook-deliveries"),
    path("deliveries/<int:pk>/", views.delivery_view, name="webhook-delivery"),
    path("deliveries/<int:pk>/replay/", views.delivery_replay_view, name="webhook-delivery-replay"),
]
