"""The review's admin pages open with rows in them; only whether a standard is offered is switched there."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.errors import InvalidInput
from review import services
from review.models import ScoreSheet, ScoringStandard
from tests.factories import World
from tests.review.factories import campaign, closed_summary, default_standard, manager, reviewer, started

pytestmark = pytest.mark.django_db


def test_every_review_model_is_in_the_admin_and_its_pages_open(world: World) -> None:
    closed_summary(world, av_gaps=1)
    rev, admin_user = reviewer(world.district), manager(world.district)
    c = campaign(actor=admin_user, organiser=world.district, organisations=[world.district], reviewers=[rev])
    started(c, admin_user)
    sheet = ScoreSheet.objects.get(campaign=c)
    services.suggestion_confirm(sheet_id=sheet.pk, suggestion_id=sheet.suggestions.get().pk, actor=rev)
    services.sheet_veto_add(sheet_id=sheet.pk, actor=rev, veto_code="V03", reason="询问时仅一人在场")
    second = reviewer(world.district, "second")
    services.campaign_update(campaign_id=c.pk, actor=admin_user, changes={"reviewers": [rev, second]})
    services.sheet_submit(sheet_id=sheet.pk, actor=rev)
    services.sheet_second_review(sheet_id=sheet.pk, actor=second, agree=True, opinion="同意")
    services.rectification_issue(sheet_id=sheet.pk, actor=admin_user)

    client = Client()
    client.force_login(User.objects.create_superuser(username="root", password="root-pass-123"))
    models = set(apps.get_app_config("review").get_models())
    assert models <= set(admin.site._registry)
    for model in models:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{prefix}_changelist")).status_code == 200, model
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, model
        assert client.get(reverse(f"{prefix}_change", args=[obj.pk])).status_code == 200, model

    standard = default_standard()
    changelist = reverse("admin:review_scoringstandard_changelist")
    response = client.post(changelist, {"action": "withdraw", "_selected_action": [standard.pk]})
    assert response.status_code == 302
    standard.refresh_from_db()
    assert standard.active is False
    with pytest.raises(InvalidInput) as withdrawn:
        campaign(actor=admin_user, organiser=world.district, organisations=[world.district], reviewers=[rev])
    assert "已停用" in withdrawn.value.detail
    client.post(changelist, {"action": "offer", "_selected_action": [standard.pk]})
    standard.refresh_from_db()
    assert standard.active is True
    assert ScoringStandard.objects.filter(code=standard.code).count() == 1
