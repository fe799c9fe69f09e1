"""Append-only, hash-chained audit rows: the one shape of every history kept here (a case's history,
an evidence record's chain of custody, a score sheet's and a campaign's events).

A concrete model declares its owner foreign key (named in `chain_owner`) and its own fields, and
says what else its hash covers (`own_content`). The owner row keeps the chain's head and count, so
an edited, inserted or deleted row is found by core.hashchain.chain_breaks. Rows are written once:
the queryset refuses update and delete, the model refuses a second save and delete, and on
PostgreSQL a trigger (`append_only_trigger`, in each app's migration) refuses UPDATE and DELETE.
"""

from __future__ import annotations

import functools
from datetime import UTC
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import migrations, models

from core.hashchain import GENESIS, canonical, chain_breaks, chain_hash

E = TypeVar("E", bound="AuditEvent")


def _refusal(model: type[models.Model], verb: str) -> str:
    label = getattr(model, "append_only_label", "记录")
    return f"{label}为只追加记录，不能{verb}"


class AppendOnlyQuerySet(models.QuerySet):
    """Inserts only: `update` (and so `bulk_update`) and `delete` are refused."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError(_refusal(self.model, "修改"))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(_refusal(self.model, "删除"))


AppendOnlyManager = models.Manager.from_queryset(AppendOnlyQuerySet)


class AuditEvent(models.Model):
    """One row of an append-only chain: `hash` = SHA-256(prev_hash + content())."""

    seq = models.PositiveIntegerField("序号")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("操作人姓名", max_length=100, blank=True)
    at = models.DateTimeField("时间")
    data = models.JSONField("数据", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyManager()

    # The name of the owner's foreign key (its id is part of every row's content).
    chain_owner: ClassVar[str]
    # What the refusals call these rows ("履历为只追加记录，不能修改").
    append_only_label: ClassVar[str] = "记录"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An invariant, not business logic: an audit row is written once.
        if not self._state.adding:
            raise PermissionError(_refusal(type(self), "修改"))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(_refusal(type(self), "删除"))

    def own_content(self) -> dict[str, object]:
        """The concrete model's own fields that the hash covers."""
        return {}

    def content(self) -> dict[str, object]:
        """Everything the hash covers, as the database gives it back (see core.hashchain.canonical)."""
        return {
            self.chain_owner: getattr(self, f"{self.chain_owner}_id"),
            "seq": self.seq,
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "data": self.data,
            **self.own_content(),
        }


def chain_link(event: E, *, count: int, head: str) -> E:
    """Make an unsaved event the next link after an owner's `count` rows ending in `head`: its seq,
    actor name, canonical data, prev_hash and hash. The caller holds the owner's row lock, saves the
    event, and stores the event's seq and hash as the owner's new count and head."""
    event.seq = count + 1
    if not event.actor_name:
        event.actor_name = str(event.actor)[:100] if event.actor_id else "系统"
    event.data = canonical(event.data or {})
    event.prev_hash = head or GENESIS
    event.hash = chain_hash(event.prev_hash, event.content())
    return event


def chain_problems(events: list[AuditEvent], *, head: str, count: int, label: str = "记录") -> list[str]:
    """Where an owner's chain is broken, in words: `events` ordered by seq, checked against the head
    and count the owner recorded (core.hashchain.chain_breaks). Empty when the chain is whole."""
    messages = {
        "missing": "第 {seq} 条{label}缺失",
        "relinked": "第 {seq} 条{label}的前一条哈希不符：此前的{label}被修改或删除",
        "edited": "第 {seq} 条{label}内容与哈希不符：该条被修改",
        "count": "应有 {count} 条{label}，实存 {found} 条：末尾的{label}被删除",
        "head": "最后一条{label}的哈希与记录不符",
    }
    return [
        messages[kind].format(seq=seq, label=label, count=count, found=len(events))
        for seq, kind in chain_breaks(events, head=head, count=count)
    ]


# --- the PostgreSQL trigger ---------------------------------------------------------------------------------


def _create_trigger(apps: Any, schema_editor: Any, *, table: str, label: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{table} is append-only ({label}为只追加记录)';
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER {table}_append_only
            BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
        """
    )


def _drop_trigger(apps: Any, schema_editor: Any, *, table: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"""
        DROP TRIGGER IF EXISTS {table}_append_only ON {table};
        DROP FUNCTION IF EXISTS {table}_append_only();
        """
    )


def append_only_trigger(table: str, *, label: str = "记录") -> migrations.RunPython:
    """A migration operation that makes PostgreSQL refuse UPDATE and DELETE of the table's rows (as
    workflow/migrations/0002 does for the case history); nothing on other databases. The hash chain
    still finds what someone who disables triggers changes."""
    return migrations.RunPython(
        functools.partial(_create_trigger, table=table, label=label),
        functools.partial(_drop_trigger, table=table),
    )
