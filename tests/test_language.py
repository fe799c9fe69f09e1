"""Simplified Chinese by default, whatever the browser asks for; English when the user chooses it."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_chinese_unless_the_user_chooses_english() -> None:
    browser = Client()
    page = browser.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page and "登录" in page
    browser.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    page = browser.get("/login/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'lang="en"' in page
