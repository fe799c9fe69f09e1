"""Case-file review in the API (SPEC §8, §10 `/api/v1/review/…`, issue 8).

Who may do what (the permission matrix in tests/api/test_permissions.py checks every cell):

* standards: every signed-in user reads them; an admin (系统管理员) adds a version;
* campaigns: an admin or agency head (行政机关负责人) whose subtree holds the organiser sets one up,
  draws its sample, assigns the reviewers, ends it and sends rectification items; everyone in the
  organiser's subtree and the campaign's own reviewers read it, its sample, results and report;
* score sheets: only the reviewer the draw assigned scores (casefile_reviewer), only the second
  reviewer confirms or returns a 不合格 sheet; sheets are read by their reviewers, by the organiser's
  subtree, and once completed by the subtree of the file's own organisation;
* rectification items: read by the handling organisation's and the organiser's subtrees, closed by the
  handling organisation's division or agency head or by a handler of the case.
Objects outside what a user may read answer 404, as if absent; a wrong role on a readable object 403.

One module per resource: standards, campaigns, samples (drawing and assigning), results, sheets
(score sheets, deductions, veto findings, suggestions), casefile, rectifications; common holds what
they share."""
