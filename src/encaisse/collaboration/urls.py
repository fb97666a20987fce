from django.urls import path

from encaisse.collaboration import views, views_disputes, views_notes, views_promises, views_terms

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
    path("customers/<int:customer_pk>/notes/", views_notes.note_write_view, name="note-write"),
    path(
        "customers/<int:customer_pk>/notes/mentions/",
        views_notes.mention_suggestions_view,
        name="note-mention-suggestions",
    ),
    path("notes/<int:note_id>/edit/", views_notes.note_edit_view, name="note-edit"),
    path("notes/<int:note_id>/withdraw/", views_notes.note_withdraw_view, name="note-withdraw"),
    path("notes/mentioning-me/", views_notes.notes_mentioning_me_view, name="notes-mentioning-me"),
    path(
        "customers/<int:customer_pk>/terms/new/",
        views_terms.terms_new_view,
        name="terms-new",
    ),
    path("terms/", views_terms.terms_queue_view, name="terms-queue"),
    path("terms/<int:pk>/decide/", views_terms.terms_decide_view, name="terms-decide"),
    path("terms/<int:pk>/document/", views_terms.terms_document_view, name="terms-document"),
    path(
        "customers/<int:customer_pk>/promise/",
        views_promises.promise_new_view,
        name="customer-promise-new",
    ),
    path(
        "customers/<int:customer_pk>/call/", views_promises.call_new_view, name="customer-call-new"
    ),
    path("disputes/", views_disputes.dispute_list_view, name="dispute-list"),
    path("disputes/mine/", views_disputes.my_disputes_view, name="my-disputes"),
    path("disputes/<int:dispute_id>/", views_disputes.dispute_detail_view, name="dispute-detail"),
    path(
        "disputes/<int:dispute_id>/status/", views_disputes.dispute_move_view, name="dispute-move"
    ),
    path(
        "disputes/<int:dispute_id>/owner/",
        views_disputes.dispute_assign_view,
        name="dispute-assign",
    ),
    path(
        "disputes/<int:dispute_id>/credit-note/",
        views_disputes.dispute_credit_note_view,
        name="dispute-credit-note",
    ),
    path(
        "disputes/<int:dispute_id>/comment/",
        views_disputes.dispute_comment_view,
        name="dispute-comment",
    ),
    path(
        "customers/<int:customer_id>/disputes/new/",
        views_disputes.dispute_new_view,
        name="dispute-new",
    ),
]
