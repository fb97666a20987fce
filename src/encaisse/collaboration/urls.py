from django.urls import path

from encaisse.collaboration import views

urlpatterns = [
    path("my-day/", views.my_day_view, name="my-day"),
    path("tasks/<int:task_id>/", views.task_detail_view, name="task-detail"),
    path("tasks/<int:task_id>/outcome/", views.task_outcome_view, name="task-outcome"),
    path("notifications/", views.notification_list_view, name="notification-list"),
    path("notifications/read/", views.notifications_read_view, name="notifications-read"),
    path("notifications/bell/", views.notification_bell_view, name="notification-bell"),
    path("notifications/latest/", views.notification_latest_view, name="notification-latest"),
    path(
        "notifications/<int:notification_id>/open/",
        views.notification_open_view,
        name="notification-open",
    ),
]
