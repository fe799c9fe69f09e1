"""Scoring standards (issue 8 item 1): the shipped default, loaded idempotently; new versions checked
as a whole and never overwriting an earlier one."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from core.errors import Conflict, InvalidInput
from review.models import ScoringStandard, StandardCategory, StandardItem, VetoItem
from review.standards import DEFAULT_STANDARD_FILE, standard_create, standard_spec_from_data
from tests.review.factories import default_standard

pytestmark = pytest.mark.django_db


def shipped() -> dict:
    return json.loads(DEFAULT_STANDARD_FILE.read_text(encoding="utf-8"))


def test_the_default_standard_has_the_structure_public_standards_use() -> None:
    standard = default_standard()
    assert (standard.code, standard.version) == ("penalty", 1)
    categories = list(StandardCategory.objects.filter(standard=standard).order_by("position"))
    assert [c.name for c in categories] == [
        "主体",
        "事实证据",
        "法律适用",
        "程序",
        "文书与卷面",
        "全过程记录",
        "归档",
    ]
    assert sum(c.points for c in categories) == Decimal("100")
    assert (standard.excellent_min, standard.good_min, standard.pass_min) == (
        Decimal(90),
        Decimal(80),
        Decimal(60),
    )
    vetoes = " ".join(VetoItem.objects.filter(standard=standard).values_list("text", flat=True))
    for words in (
        "执法主体",
        "执法资格",
        "少于两人",
        "事实不清",
        "证据不足",
        "定性错误",
        "法律依据错误",
        "法定程序",
        "移送",
    ):
        assert words in vetoes, words
    documents = " ".join(
        StandardItem.objects.filter(category__code="documents").values_list("text", flat=True)
    )
    for words in ("文书格式", "一案一卷", "封面", "目录", "页码", "顺序"):
        assert words in documents, words
    # Every item fits in its category, and a range runs low to high.
    for item in StandardItem.objects.filter(category__standard=standard).select_related("category"):
        assert Decimal(0) < item.deduction_min <= item.deduction_max <= item.category.points


def test_loading_the_file_again_changes_nothing() -> None:
    default_standard()
    before = (ScoringStandard.objects.count(), StandardItem.objects.count(), VetoItem.objects.count())
    out = StringIO()
    call_command("load_review_standard", stdout=out)
    call_command("load_review_standard", stdout=out)
    assert "已存在，未作改动" in out.getvalue()
    assert (ScoringStandard.objects.count(), StandardItem.objects.count(), VetoItem.objects.count()) == before


def test_a_new_version_is_added_beside_the_old_one() -> None:
    old = default_standard()
    data = shipped()
    del data["version"]
    data["pass_min"] = "65"
    new = standard_create(spec=standard_spec_from_data(data), actor=None)
    assert (new.code, new.version, new.pass_min) == ("penalty", 2, Decimal("65"))
    old.refresh_from_db()
    assert old.pass_min == Decimal("60"), "the earlier version is untouched"
    with pytest.raises(Conflict):
        standard_create(spec=standard_spec_from_data({**data, "version": 1}), actor=None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["categories"][0].update(points="15"), "分值之和应为 100，现为 105"),
        (lambda d: d["categories"][1]["items"][0].update(min="3", max="1"), "下限不高于上限"),
        (lambda d: d["categories"][0].update(cap="12"), "扣分上限须大于 0 且不超过该项目分值"),
        (lambda d: d["categories"][2]["items"].append(dict(d["categories"][2]["items"][0])), "代码“L01”重复"),
        (lambda d: d["vetoes"][3].update(finding_codes=["service_late"]), "已对应 P04"),
        (lambda d: d.update(good_min="95"), "0 < 合格 < 良好 < 优秀"),
        (lambda d: d["categories"][3]["items"][0].update(min="1.234"), "两位小数"),
        (lambda d: d["categories"][4].update(items=[]), "至少应有一个扣分项"),
    ],
)
def test_a_bad_standard_is_refused_with_what_is_wrong(change, message: str) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(shipped())
    data["code"] = "bad"
    change(data)
    with pytest.raises(InvalidInput) as refused:
        standard_spec_from_data(data)
    assert any(message in m for m in refused.value.errors["standard"]), refused.value.errors
    assert not ScoringStandard.objects.filter(code="bad").exists()


def test_every_problem_is_named_at_once() -> None:
    data = copy.deepcopy(shipped())
    data["categories"][0]["points"] = "abc"
    data["vetoes"][0]["code"] = ""
    data["name"] = ""
    with pytest.raises(InvalidInput) as refused:
        standard_spec_from_data(data)
    assert len(refused.value.errors["standard"]) >= 3
