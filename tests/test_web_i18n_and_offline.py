"""Simplified Chinese by default, English on request (the navigation and buttons), and pages that need
nothing from outside this server (issue 10 item 6)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tests.factories import World

pytestmark = pytest.mark.django_db

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_chinese_by_default_and_english_when_chosen(world: World) -> None:
    client = Client()
    client.force_login(world.officer1)
    page = client.get("/").content.decode()
    assert 'lang="zh-hans"' in page and ">工作台</a>" in page and ">案件</a>" in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/cases/"})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    english = client.get("/cases/").content.decode()
    assert 'lang="en"' in english and ">Workbench</a>" in english and ">Cases</a>" in english
    assert "New case" in english and "Search" in english
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert ">工作台</a>" in client.get("/").content.decode()


def test_the_compiled_catalogue_matches_its_source() -> None:
    """locale/en/LC_MESSAGES/django.mo is committed (CI has no gettext): it must hold every entry of the .po."""
    text = PO.read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', text, re.M)
    assert len(pairs) > 50
    with translation.override("en"):
        for msgid, msgstr in pairs:
            assert translation.gettext(msgid) == msgstr, f"recompile the .mo: {msgid}"


def test_pages_load_nothing_from_another_origin(world: World) -> None:
    client = Client()
    client.force_login(world.agency_head)
    case = world.case()
    for path in ("/", "/cases/", f"/cases/{case.pk}/", "/meetings/new/", "/inspections/", "/login/"):
        html = client.get(path).content.decode()
        external = re.findall(r'(?:src|href)="(https?:)?//[^"]+"', html)
        assert not external, f"{path} loads {external}"
        assert "<script>" not in html and " onclick=" not in html, "no inline script: the CSP allows none"
