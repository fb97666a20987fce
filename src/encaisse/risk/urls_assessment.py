from django.urls import path

from encaisse.risk import views_assessment

urlpatterns = [
    path(
        "customers/<int:customer_pk>/assessment/new/",
        views_assessment.assessment_new_view,
        name="risk-assessment-new",
    ),
]
