"""The Django admin: every registered model's pages open for a superuser, in Chinese; cases and their
history are view-only; organisations saved through the admin keep their materialised paths."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.core import checks
from django.db.models import Model
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import Organisation, User
from accounts.policy import AvActivity
from casefiles.models import Case, CaseEvent, Inspection, Party, Vote
from casefiles.services import inspection_record
from tests.factories import World, at, entity, upload
from workflow import services
from workflow.machine import CaseFlow

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def url(model: type[Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser(username="root", password="root-pass-123", email="root@example.cn")


@pytest.fixture
def root_client(superuser: User) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


@pytest.fixture
def case(world: World) -> Case:
    """A filed case with an activity and its recording, so most tables have a row to show."""
    case = world.case(now=at(2026, 3, 2))
    world.fire(case, "submit_filing", world.officer1, at(2026, 3, 2, 11))
    world.fire(case, "approve_filing", world.head, at(2026, 3, 3))
    activity = services.activity_record(
        case_id=case.pk, actor=world.officer1, kind=AvActivity.INQUIRY, occurred_at=at(2026, 3, 5)
    )
    upload(
        case,
        world.officer1,
        b"inquiry recording",
        title="询问 执法记录仪视频",
        activity=activity,
        when=at(2026, 3, 5),
    )
    inspection_record(
        actor=world.officer1,
        organisation=world.district,
        inspected_on=date(2026, 3, 1),
        party=case.party,
        officers=[world.officer1, world.officer2],
    )
    return Case.objects.get(pk=case.pk)


def test_admin_checks_pass() -> None:
    assert checks.run_checks(tags=[checks.Tags.admin]) == []


def test_every_project_model_is_registered_except_the_state_machine_proxy() -> None:
    project_models = {
        model
        for label in ("accounts", "casefiles", "workflow")
        for model in apps.get_app_config(label).get_models()
    }
    # Vote is shown inline in its deliberation; CaseFlow is the state machine, not a thing to edit.
    assert project_models - set(admin.site._registry) == {CaseFlow, Vote}
    assert CaseFlow not in admin.site._registry


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_pages_open(model: type[Model], root_client: Client, superuser: User, case: Case) -> None:
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = superuser

    assert root_client.get(url(model, "changelist")).status_code == 200

    add_page = root_client.get(url(model, "add"))
    assert add_page.status_code == (200 if model_admin.has_add_permission(request) else 403)

    obj = model._default_manager.order_by("pk").first()
    if obj is not None:
        assert root_client.get(url(model, "change", obj.pk)).status_code == 200


def test_admin_is_in_chinese(root_client: Client) -> None:
    response = root_client.get(url(Organisation, "changelist"))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'lang="zh-hans"' in content
    assert "选择 机构 来修改" in content


def test_organisation_form_groups_the_inherited_settings(root_client: Client) -> None:
    content = root_client.get(url(Organisation, "add")).content.decode()

    assert "规则设置（留空则继承上级）" in content
    assert 'name="path"' not in content, "the path is kept by organisation_save, never typed in"


def test_user_page_has_roles_and_certificates_inline(root_client: Client, world: World) -> None:
    content = root_client.get(url(User, "change", world.officer1.pk)).content.decode()

    assert 'name="full_name"' in content
    assert 'name="organisation"' in content
    assert 'name="role_assignments-0-role"' in content
    assert 'name="certificates-0-number"' in content


def test_case_change_page_is_read_only_and_shows_history(root_client: Client, world: World) -> None:
    case = world.case(now=at(2026, 3, 2))

    response = root_client.get(url(Case, "change", case.pk))

    assert response.status_code == 200
    content = response.content.decode()
    assert "办案履历" in content  # the history inline
    assert "create" in content
    assert "待立案" in content
    assert 'name="_save"' not in content, "a case is changed only through workflow.services"


def test_case_and_history_cannot_be_changed_or_deleted(root_client: Client, world: World) -> None:
    case = world.case(now=at(2026, 3, 2))
    event = CaseEvent.objects.get(case=case, seq=1)

    assert root_client.post(url(Case, "change", case.pk), {"title": "改过的案由"}).status_code == 403
    assert root_client.post(url(Case, "delete", case.pk), {"post": "yes"}).status_code == 403
    assert root_client.post(url(CaseEvent, "change", event.pk), {"opinion": "x"}).status_code == 403
    assert root_client.post(url(CaseEvent, "delete", event.pk), {"post": "yes"}).status_code == 403
    case.refresh_from_db()
    assert case.title == "未按规定开展安全生产教育培训"
    assert CaseEvent.objects.filter(case=case).count() == 1


def org_form(**values: object) -> dict[str, object]:
    return {"level": Organisation.Level.STREET, "case_number_prefix": "新街应急罚", **values}


def test_organisation_added_through_admin_gets_its_path(root_client: Client, world: World) -> None:
    response = root_client.post(
        url(Organisation, "add"),
        org_form(code="新街", name="新街街道应急办", parent=world.district.pk, decision_days="60"),
    )

    assert response.status_code == 302, response.content.decode()
    created = Organisation.objects.get(code="新街")
    assert created.path == f"{world.district.path}{created.pk}/"
    assert created.decision_days == 60
    assert created.two_level_review is None, "an empty setting is inherited, not set to False"


def test_organisation_moved_through_admin_moves_its_subtree(root_client: Client, world: World) -> None:
    district = world.district
    response = root_client.post(
        url(Organisation, "change", district.pk),
        org_form(
            code=district.code, name=district.name, level=district.level, parent=world.other_district.pk
        ),
    )

    assert response.status_code == 302, response.content.decode()
    district.refresh_from_db()
    world.street.refresh_from_db()
    assert district.path == f"{world.other_district.path}{district.pk}/"
    assert world.street.path == f"{district.path}{world.street.pk}/"


def test_organisation_cannot_be_put_under_its_own_subtree(root_client: Client, world: World) -> None:
    district = world.district
    old_path = district.path

    response = root_client.post(
        url(Organisation, "change", district.pk),
        org_form(code=district.code, name=district.name, level=district.level, parent=world.street.pk),
    )

    assert response.status_code == 200  # the form comes back with an error
    assert response.context["adminform"].form.errors["parent"]
    district.refresh_from_db()
    assert district.path == old_path


def test_party_added_through_admin_is_validated(root_client: Client) -> None:
    response = root_client.post(
        url(Party, "add"),
        {"kind": Party.Kind.ENTITY, "name": "某某化工有限公司", "credit_code": "91350100MA0000000X"},
    )

    assert response.status_code == 200  # the form comes back with the validator's message
    assert response.context["adminform"].form.errors["credit_code"]
    assert not Party.objects.exists()


def test_inspection_added_through_admin_records_who_entered_it(
    root_client: Client, superuser: User, world: World
) -> None:
    party = entity()
    response = root_client.post(
        url(Inspection, "add"),
        {
            "organisation": world.district.pk,
            "inspected_on": "2026-03-01",
            "party": party.pk,
            "officers": [world.officer1.pk, world.officer2.pk],
            "violations_found": "2",
            "documents_issued": "1",
        },
    )

    assert response.status_code == 302, response.content.decode()
    inspection = Inspection.objects.get(party=party)
    assert inspection.created_by == superuser
    assert set(inspection.officers.all()) == {world.officer1, world.officer2}
