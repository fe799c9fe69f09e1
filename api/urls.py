from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import auth, cases, inspections, organisations, tasks, users

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("auth/token/", auth.TokenView.as_view(), name="api-token"),
    path("organisations/", organisations.OrganisationListCreate.as_view(), name="api-organisations"),
    path("organisations/<int:pk>/", organisations.OrganisationDetail.as_view(), name="api-organisation"),
    path("users/", users.UserListCreate.as_view(), name="api-users"),
    path("users/me/", users.Me.as_view(), name="api-me"),
    path("users/<int:pk>/", users.UserDetail.as_view(), name="api-user"),
    path("inspections/", inspections.InspectionListCreate.as_view(), name="api-inspections"),
    path("inspections/<int:pk>/", inspections.InspectionDetail.as_view(), name="api-inspection"),
    path("violation-types/", cases.ViolationTypeList.as_view(), name="api-violation-types"),
    path("cases/", cases.CaseListCreate.as_view(), name="api-cases"),
    path("cases/<int:pk>/", cases.CaseDetail.as_view(), name="api-case"),
    path("cases/<int:pk>/transitions/", cases.CaseTransitions.as_view(), name="api-case-transitions"),
    path("cases/<int:pk>/transitions/<str:name>/", cases.FireTransition.as_view(), name="api-case-fire"),
    path("cases/<int:pk>/history/", cases.CaseHistory.as_view(), name="api-case-history"),
    path("tasks/", tasks.TaskList.as_view(), name="api-tasks"),
]
