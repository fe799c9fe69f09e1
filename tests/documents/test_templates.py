"""Templates per organisation, versioned: the nearest organisation's newest version fills new
documents, a document keeps the version it was made with, and a template that cannot be filled with
its type's fields is refused with the reason."""

from __future__ import annotations

import io

import pytest
from docx import Document

from core.errors import Forbidden, InvalidInput
from documents.models import CaseDocument
from documents.render import default_template
from documents.services import document_docx, template_version_create
from tests.factories import World, at, user

pytestmark = pytest.mark.django_db


def edited(doc_type: str, extra: str) -> bytes:
    """The default template, edited in Word: a line added at the end."""
    document = Document(io.BytesIO(default_template(doc_type)))
    document.add_paragraph(extra)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def text_of(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    return "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )


def filed(w: World, organisation=None):
    case = w.case(now=at(2026, 3, 1), organisation=organisation)
    w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2))
    w.fire(case, "approve_filing", w.head, at(2026, 3, 3))
    return CaseDocument.objects.get(case=case, doc_type="filing_approval")


def district_template(w: World, doc_type: str, content: bytes, actor, **extra):  # type: ignore[no-untyped-def]
    """A new version of the district's own template of `doc_type`."""
    return template_version_create(
        organisation=w.district, doc_type=doc_type, content=content, actor=actor, **extra
    )


def test_the_nearest_organisations_newest_version_is_used(world: World) -> None:
    w = world
    admin = user("admin", w.district, "admin")
    before = filed(w)
    assert before.template is None, "no template of its own: the shipped default"
    v1 = district_template(w, "filing_approval", edited("filing_approval", "第一版：{{ party_name }}"), admin)
    v2 = district_template(
        w,
        "filing_approval",
        edited("filing_approval", "第二版：{{ party_name }}，案号{{ case_number }}"),
        admin,
        note="增加案号",
    )
    assert (v1.version, v2.version) == (1, 2)
    street_doc = filed(w, organisation=w.street)  # the street inherits its district's template
    assert street_doc.template_id == v2.pk
    assert f"第二版：{street_doc.context['party_name']}，案号{street_doc.context['case_number']}" in text_of(
        document_docx(document_id=street_doc.pk)
    )
    assert "第一版" not in text_of(document_docx(document_id=before.pk)), (
        "an earlier document keeps its version"
    )
    assert "第二版" not in text_of(document_docx(document_id=before.pk))


def test_a_template_that_cannot_be_filled_is_refused(world: World) -> None:
    admin = user("admin", world.district, "admin")
    with pytest.raises(InvalidInput) as unknown:
        district_template(world, "penalty_notice", edited("penalty_notice", "{{ no_such_field }}"), admin)
    assert "no_such_field" in unknown.value.detail
    with pytest.raises(InvalidInput) as broken:
        district_template(world, "penalty_notice", edited("penalty_notice", "{% if %}"), admin)
    assert "模板标签有误" in broken.value.detail
    with pytest.raises(InvalidInput) as not_word:
        district_template(world, "penalty_notice", b"not a docx", admin)
    assert "不是有效的 Word" in not_word.value.detail
    with pytest.raises(Forbidden):
        district_template(world, "penalty_notice", default_template("penalty_notice"), world.officer1)


def test_values_are_escaped(world: World) -> None:
    w = world
    case = w.case(now=at(2026, 3, 1))
    case.party.name = "A&B <化工> 有限公司"
    case.party.save(update_fields=["name"])
    w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2))
    w.fire(case, "approve_filing", w.head, at(2026, 3, 3))
    document = CaseDocument.objects.get(case=case, doc_type="filing_approval")
    assert "A&B <化工> 有限公司" in text_of(document_docx(document_id=document.pk))
