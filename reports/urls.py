from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("word-runs/", views.docx_run_request, name="docx-run-request"),
]
