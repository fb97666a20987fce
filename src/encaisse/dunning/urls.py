from django.urls import path

from encaisse.dunning import views

urlpatterns = [
    path("upcoming/", views.upcoming_view, name="dunning-upcoming"),
    path("holds/<int:customer_pk>/", views.request_hold_view, name="dunning-request-hold"),
    path("approvals/", views.approvals_view, name="dunning-approvals"),
    path("actions/<int:pk>/decide/", views.decide_action_view, name="dunning-decide-action"),
    path("holds/<int:pk>/decide/", views.decide_hold_view, name="dunning-decide-hold"),
    path("outbox/", views.outbox_view, name="dunning-outbox"),
    path("letters/print.pdf", views.letters_batch_view, name="dunning-letters-batch"),
    path("messages/<int:pk>/", views.message_view, name="dunning-message"),
    path("messages/<int:pk>/letter.pdf", views.letter_pdf_view, name="dunning-letter-pdf"),
]
