"""法制审核意见书 as Word: kept for the callers of the legal-check API.

The opinion is a document type of the catalogue now (documents.catalogue, template
documents/defaults/legal_opinion.docx, per organisation and versioned); the document issued with the
check is returned, and an older check's opinion is filled from the check.
"""

from __future__ import annotations

from workflow.models import LegalCheck


def legal_opinion_docx(*, check: LegalCheck) -> bytes:
    from documents.services import legal_opinion_docx as opinion

    return opinion(check=check)
