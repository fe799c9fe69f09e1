"""The law table: every registered rule names its article, is put to work by an adapter, and is named
by a test; the command, the page and the API list them."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from law import rules as law_rules
from law.registry import LAWS
from review.law_table import law_table, naming_tests
from tests.factories import World
from workflow.guards import rule_codes
from workflow.steps import STEPS


def test_every_rule_has_its_article() -> None:
    for rule in law_rules.all_rules():
        assert rule.source.law in LAWS, rule.code
        assert rule.source.article >= 1, rule.code
        assert str(rule.source).startswith(f"《{LAWS[rule.source.law]}》第"), rule.code
        assert rule.title, rule.code


def test_every_rule_is_named_by_at_least_one_test() -> None:
    codes = [r.code for r in law_rules.all_rules()]
    named = naming_tests(codes)
    untested = [code for code in codes if not named[code]]
    assert untested == [], f"rules no test names: {untested}"


def test_every_rule_is_put_to_work_and_every_law_guard_is_registered() -> None:
    rows = law_table(with_tests=False)
    idle = [r.code for r in rows if not (r.blocks or r.precheck_point or r.review_items)]
    assert idle == [], f"rules no step, pre-check point or review item uses: {idle}"
    used = {code for step in STEPS for guard in step.guards for code in rule_codes(guard)}
    assert used <= set(law_rules.RULES)


def test_the_command_lists_every_rule_with_its_article_and_tests() -> None:
    out = StringIO()
    call_command("law_table", "--json", stdout=out)
    rows = {r["code"]: r for r in json.loads(out.getvalue())}
    assert set(rows) == set(law_rules.RULES)
    hearing = rows["hearing_request_late"]
    assert hearing["article"] == "《中华人民共和国行政处罚法》第六十四条第一款第一项"
    assert "request_hearing（当事人申请听证）" in hearing["blocks"]
    assert any("test_hearing_request_outside_five_working_days" in t for t in hearing["tests"])
    text = StringIO()
    call_command("law_table", stdout=text)
    assert f"共 {len(rows)} 条规则" in text.getvalue()


@pytest.mark.django_db
def test_the_page_and_the_api_show_the_table(world: World) -> None:
    client = APIClient()
    client.force_login(world.legal)
    page = client.get("/law/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "法律规则表" in html and "《中华人民共和国行政处罚法》第四十五条第二款" in html
    assert 'href="/law/"' in html, "the legal reviewer's menu links to it"
    api = client.get("/api/v1/law/rules/")
    assert api.status_code == 200
    assert {r["code"] for r in api.json()} == set(law_rules.RULES)
