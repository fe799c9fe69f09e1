from django.urls import path

from api import views

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("cases/", views.CaseListView.as_view(), name="api-cases"),
    path("cases/<int:pk>/transitions/", views.CaseTransitionsView.as_view(), name="api-case-transitions"),
]
