from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import auth, cases, evidence, inspections, law, legal, notifications, organisations, tasks, users
from api import documents as document_views
from api import reports as report_views
from api.exceptions import not_found_view
from api.review import campaigns as review_campaigns
from api.review import casefile as review_casefile
from api.review import rectifications as review_rectifications
from api.review import results as review_results
from api.review import samples as review_samples
from api.review import sheets as review_sheets
from api.review import standards as review_standards


class IdConverter:
    """A row id in a path: at most 18 digits, so it always fits a bigint."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

# A case's evidence and its resumable uploads.
evidence_paths = [
    path("", evidence.EvidenceListUpload.as_view(), name="api-evidence"),
    path("uploads/", evidence.UploadStart.as_view(), name="api-evidence-upload-start"),
    path("<id:eid>/", evidence.EvidenceDetail.as_view(), name="api-evidence-detail"),
    path("<id:eid>/upload/", evidence.UploadStatus.as_view(), name="api-evidence-upload"),
    path(
        "<id:eid>/upload/parts/<int:number>/", evidence.UploadPart.as_view(), name="api-evidence-upload-part"
    ),
    path("<id:eid>/upload/complete/", evidence.UploadComplete.as_view(), name="api-evidence-upload-complete"),
    path("<id:eid>/access/", evidence.EvidenceAccess.as_view(), name="api-evidence-access"),
    path("<id:eid>/custody/", evidence.EvidenceCustody.as_view(), name="api-evidence-custody"),
]

# A case's documents.
document_paths = [
    path("", document_views.CaseDocuments.as_view(), name="api-case-documents"),
    path("checklist/", document_views.CaseDocumentChecklist.as_view(), name="api-case-documents-checklist"),
    path("<id:doc>/file/", document_views.CaseDocumentFile.as_view(), name="api-case-document-file"),
]

# One case, under its id.
case_paths = [
    path("", cases.CaseDetail.as_view(), name="api-case"),
    path("transitions/", cases.CaseTransitions.as_view(), name="api-case-transitions"),
    path("transitions/<str:name>/", cases.FireTransition.as_view(), name="api-case-fire"),
    path("history/", cases.CaseHistory.as_view(), name="api-case-history"),
    path("precheck/", legal.CasePrecheck.as_view(), name="api-case-precheck"),
    path("legal-checks/", legal.CaseLegalChecks.as_view(), name="api-case-legal-checks"),
    path("hearing/", legal.CaseHearing.as_view(), name="api-case-hearing"),
    path("deliberations/", legal.CaseDeliberations.as_view(), name="api-case-deliberations"),
    path("evidence/", include(evidence_paths)),
    path("documents/", include(document_paths)),
    path("casefile.pdf", document_views.CaseFilePdf.as_view(), name="api-case-casefile"),
]

# One review campaign, under its id.
campaign_paths = [
    path("", review_campaigns.CampaignDetail.as_view(), name="api-review-campaign"),
    path("sample/", review_samples.CampaignSample.as_view(), name="api-review-sample"),
    path("assign/", review_samples.CampaignAssign.as_view(), name="api-review-assign"),
    path("finish/", review_campaigns.CampaignFinish.as_view(), name="api-review-finish"),
    path("results/", review_results.CampaignResults.as_view(), name="api-review-results"),
    path("report.xlsx", review_results.CampaignReportXlsx.as_view(), name="api-review-report-xlsx"),
]

# One score sheet, under its id.
sheet_paths = [
    path("", review_sheets.SheetDetail.as_view(), name="api-review-sheet"),
    path("casefile/", review_casefile.SheetCasefile.as_view(), name="api-review-casefile"),
    path("deductions/", review_sheets.SheetDeductions.as_view(), name="api-review-deductions"),
    path("deductions/<id:item>/", review_sheets.SheetDeduction.as_view(), name="api-review-deduction"),
    path("vetoes/", review_sheets.SheetVetoes.as_view(), name="api-review-vetoes"),
    path("vetoes/<id:item>/", review_sheets.SheetVeto.as_view(), name="api-review-veto"),
    path(
        "suggestions/<id:item>/confirm/",
        review_sheets.SuggestionConfirm.as_view(),
        name="api-review-suggestion-confirm",
    ),
    path(
        "suggestions/<id:item>/dismiss/",
        review_sheets.SuggestionDismiss.as_view(),
        name="api-review-suggestion-dismiss",
    ),
    path("submit/", review_sheets.SheetSubmit.as_view(), name="api-review-submit"),
    path("second-review/", review_sheets.SheetSecondReview.as_view(), name="api-review-second-review"),
    path(
        "rectifications/",
        review_rectifications.SheetRectifications.as_view(),
        name="api-review-sheet-rectifications",
    ),
]

# Case-file review (案卷评查, SPEC §8, issue 8).
review_paths = [
    path("standards/", review_standards.StandardListCreate.as_view(), name="api-review-standards"),
    path("standards/<id:pk>/", review_standards.StandardDetail.as_view(), name="api-review-standard"),
    path("campaigns/", review_campaigns.CampaignListCreate.as_view(), name="api-review-campaigns"),
    path("campaigns/<id:pk>/", include(campaign_paths)),
    path("scoresheets/", review_sheets.SheetList.as_view(), name="api-review-sheets"),
    path("scoresheets/<id:pk>/", include(sheet_paths)),
    path(
        "rectifications/", review_rectifications.RectificationList.as_view(), name="api-review-rectifications"
    ),
    path(
        "rectifications/<id:pk>/complete/",
        review_rectifications.RectificationComplete.as_view(),
        name="api-review-rectification-complete",
    ),
]

# One run of the annual report, under its id.
run_paths = [
    path("", report_views.AnnualReportRunDetail.as_view(), name="api-reports-annual-run"),
    path("download/", report_views.AnnualReportRunDownload.as_view(), name="api-reports-annual-run-download"),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("auth/token/", auth.TokenView.as_view(), name="api-token"),
    path("organisations/", organisations.OrganisationListCreate.as_view(), name="api-organisations"),
    path("organisations/<id:pk>/", organisations.OrganisationDetail.as_view(), name="api-organisation"),
    path("users/", users.UserListCreate.as_view(), name="api-users"),
    path("users/me/", users.Me.as_view(), name="api-me"),
    path("users/<id:pk>/", users.UserDetail.as_view(), name="api-user"),
    path("inspections/", inspections.InspectionListCreate.as_view(), name="api-inspections"),
    path("inspections/<id:pk>/", inspections.InspectionDetail.as_view(), name="api-inspection"),
    path("violation-types/", cases.ViolationTypeList.as_view(), name="api-violation-types"),
    path("cases/", cases.CaseListCreate.as_view(), name="api-cases"),
    path("cases/<id:pk>/", include(case_paths)),
    path(
        "legal-checks/<id:pk>/opinion.docx", legal.LegalOpinionDocx.as_view(), name="api-legal-opinion-docx"
    ),
    path("meetings/", legal.MeetingCreate.as_view(), name="api-meetings"),
    path("documents/catalogue/", document_views.DocumentCatalogue.as_view(), name="api-document-catalogue"),
    path("tasks/", tasks.TaskList.as_view(), name="api-tasks"),
    path("law/rules/", law.LawRuleList.as_view(), name="api-law-rules"),
    path("notifications/", notifications.NotificationList.as_view(), name="api-notifications"),
    path(
        "notifications/<id:pk>/read/", notifications.NotificationRead.as_view(), name="api-notification-read"
    ),
    path("reports/annual/", report_views.AnnualReport.as_view(), name="api-reports-annual"),
    path("reports/annual.docx", report_views.AnnualReportDocx.as_view(), name="api-reports-annual-docx"),
    path("reports/annual/runs/", report_views.AnnualReportRuns.as_view(), name="api-reports-annual-runs"),
    path("reports/annual/runs/<id:pk>/", include(run_paths)),
    path("review/", include(review_paths)),
    # Anything else under /api/v1/ is a JSON 404 in the one error shape, never Django's HTML page.
    re_path(r"^[\s\S]*$", not_found_view),
]
