from django.urls import path

from encaisse.dunning import views, views_scenarios

urlpatterns = [
    path("upcoming/", views.upcoming_view, name="dunning-upcoming"),
    path("holds/<int:customer_pk>/", views.request_hold_view, name="dunning-request-hold"),
    path("approvals/", views.approvals_view, name="dunning-approvals"),
    path(
        "customers/<int:customer_pk>/profile/",
        views.customer_profile_view,
        name="dunning-customer-profile",
    ),
    path("actions/<int:pk>/decide/", views.decide_action_view, name="dunning-decide-action"),
    path("holds/<int:pk>/decide/", views.decide_hold_view, name="dunning-decide-hold"),
    path("outbox/", views.outbox_view, name="dunning-outbox"),
    path("letters/print.pdf", views.letters_batch_view, name="dunning-letters-batch"),
    path("letters/posted/", views.letters_posted_view, name="dunning-letters-posted"),
    path("messages/<int:pk>/", views.message_view, name="dunning-message"),
    path("messages/<int:pk>/letter.pdf", views.letter_pdf_view, name="dunning-letter-pdf"),
    path("messages/<int:pk>/posted/", views.letter_posted_view, name="dunning-letter-posted"),
    path("scenarios/", views_scenarios.scenario_list_view, name="dunning-scenarios"),
    path("scenarios/new/", views_scenarios.scenario_new_view, name="dunning-scenario-new"),
    path("scenarios/import/", views_scenarios.scenario_import_view, name="dunning-scenario-import"),
    path(
        "scenarios/<int:pk>/edit/", views_scenarios.scenario_edit_view, name="dunning-scenario-edit"
    ),
    path(
        "scenarios/<int:pk>/export.yaml",
        views_scenarios.scenario_export_view,
        name="dunning-scenario-export",
    ),
    path("templates/", views_scenarios.template_list_view, name="dunning-templates"),
    path(
        "templates/<int:pk>/edit/", views_scenarios.template_edit_view, name="dunning-template-edit"
    ),
    path(
        "templates/<int:pk>/preview/",
        views_scenarios.template_preview_view,
        name="dunning-template-preview",
    ),
]
