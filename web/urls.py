from django.contrib.auth import views as auth_views
from django.urls import include, path

from web import (
    case_views,
    document_views,
    evidence_views,
    inspection_views,
    meeting_views,
    review_views,
    views,
)

# A case's documents.
document_pages = [
    path("generate/<slug:doc_type>/", document_views.document_generate, name="document-generate"),
    path("upload/", document_views.document_upload, name="document-upload"),
    path("not-applicable/", document_views.document_not_applicable, name="document-not-applicable"),
    path("<int:document_id>/<slug:fmt>/", document_views.document_download, name="document-download"),
]

# One case's pages, under its id.
case_pages = [
    path("", case_views.case_detail, name="case-detail"),
    path("edit/", case_views.case_edit, name="case-edit"),
    path("activities/new/", case_views.activity_create, name="case-activity"),
    path("do/<slug:code>/", case_views.case_step, name="case-step"),
    path("evidence/new/", evidence_views.evidence_upload, name="evidence-upload"),
    path("evidence/<int:evidence_id>/access/", evidence_views.evidence_access, name="evidence-access"),
    path("documents/", include(document_pages)),
    path("casefile.pdf", document_views.casefile_download, name="casefile-download"),
]

# One score sheet's pages, under its id.
sheet_pages = [
    path("", review_views.sheet_detail, name="review-sheet"),
    path("casefile.pdf", review_views.sheet_casefile, name="review-sheet-casefile"),
    path(
        "documents/<int:document_id>/<slug:fmt>/",
        review_views.sheet_document,
        name="review-sheet-document",
    ),
    path("<slug:action>/", review_views.sheet_action, name="review-sheet-action"),
]

# Case-file review (案卷评查).
review_pages = [
    path("", review_views.review_home, name="review-home"),
    path("campaigns/new/", review_views.campaign_create, name="review-campaign-create"),
    path("campaigns/<int:pk>/", review_views.campaign_detail, name="review-campaign"),
    path("campaigns/<int:pk>/<slug:action>/", review_views.campaign_action, name="review-campaign-action"),
    path("sheets/<int:pk>/", include(sheet_pages)),
    path(
        "rectifications/<int:pk>/complete/",
        review_views.rectification_complete,
        name="review-rectification-complete",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", case_views.case_list, name="cases"),
    path("cases/new/", case_views.case_create, name="case-create"),
    path("cases/<int:pk>/", include(case_pages)),
    path("inspections/", inspection_views.inspection_list, name="inspections"),
    path("inspections/new/", inspection_views.inspection_create, name="inspection-create"),
    path("meetings/", meeting_views.meeting_list, name="meetings"),
    path("meetings/new/", meeting_views.meeting_create, name="meeting-create"),
    path("review/", include(review_pages)),
    path("law/", views.law_rules, name="law-table"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications-read-all"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("evidence-files/<str:token>/", views.evidence_file, name="evidence-file"),
]
