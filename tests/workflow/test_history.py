"""The append-only, hash-chained history and `verify_history`."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from casefiles.models import CaseEvent
from tests.factories import World, at

pytestmark = pytest.mark.django_db


def history_case(w: World):
    case = w.case(now=at(2026, 3, 1))
    w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2))
    w.fire(case, "approve_filing", w.head, at(2026, 3, 3))
    w.fire(case, "withdraw", w.officer1, at(2026, 3, 4), opinion="当事人已注销，撤销立案")
    return case


def tamper(sql: str, params: list) -> None:
    """Bypass the application (and, on PostgreSQL, the append-only trigger) as a DBA could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # superuser: triggers off
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def test_intact_history_verifies(world: World, capsys) -> None:
    history_case(world)
    call_command("verify_history")
    assert "履历校验通过" in capsys.readouterr().out


def test_edited_row_is_detected(world: World, capsys) -> None:
    case = history_case(world)
    tamper(
        "UPDATE workflow_caseevent SET opinion = %s WHERE case_id = %s AND seq = 4", ["改写的意见", case.pk]
    )
    with pytest.raises(CommandError, match="发现 1 处问题"):
        call_command("verify_history")
    assert f"案件 {case.pk} 第 4 条：内容与哈希不符" in capsys.readouterr().err


def test_deleted_middle_row_is_detected(world: World, capsys) -> None:
    case = history_case(world)
    tamper("DELETE FROM workflow_caseevent WHERE case_id = %s AND seq = 2", [case.pk])
    with pytest.raises(CommandError):
        call_command("verify_history")
    assert f"案件 {case.pk} 第 2 条：第 2 条履历缺失" in capsys.readouterr().err


def test_deleted_last_row_is_detected(world: World, capsys) -> None:
    case = history_case(world)
    tamper("DELETE FROM workflow_caseevent WHERE case_id = %s AND seq = 4", [case.pk])
    with pytest.raises(CommandError):
        call_command("verify_history")
    assert "末尾履历被删除" in capsys.readouterr().err


def test_application_cannot_edit_or_delete_history(world: World) -> None:
    case = history_case(world)
    event = CaseEvent.objects.filter(case=case).first()
    event.opinion = "x"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        CaseEvent.objects.filter(case=case).update(opinion="x")
    with pytest.raises(PermissionError):
        CaseEvent.objects.filter(case=case).delete()


def test_database_refuses_update_on_postgres(world: World, postgres_only) -> None:
    case = history_case(world)
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE workflow_caseevent SET opinion = 'x' WHERE case_id = %s", [case.pk])
