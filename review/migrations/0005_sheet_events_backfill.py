"""Number and chain the sheet events already stored, in the order they were shown (at, pk), a few
hundred sheets at a time, and give each sheet its chain's head and count.

The content below is SheetEvent.content() (core.audit.AuditEvent.content with the sheet's own
fields) as it stood when the chain began; it is frozen here as migrations are, and
tests/review/test_engine_transitions.py checks that the model still agrees with it.
"""

from datetime import UTC

from django.db import migrations

from core.hashchain import GENESIS, chain_hash

SHEETS_PER_BATCH = 500


def content(event, actor_name: str) -> dict:
    return {
        "sheet": event.sheet_id,
        "seq": event.seq,
        "actor": event.actor_id,
        "actor_name": actor_name,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "data": event.data,
        "action": event.action,
        "note": event.note,
    }


def actor_name(user) -> str:
    # accounts.User.__str__; a historical model has none.
    return (user.full_name or user.username)[:100] if user is not None else "系统"


def backfill(apps, schema_editor):
    ScoreSheet = apps.get_model("review", "ScoreSheet")
    SheetEvent = apps.get_model("review", "SheetEvent")
    last_pk = 0
    while True:
        sheets = list(ScoreSheet.objects.filter(pk__gt=last_pk).order_by("pk")[:SHEETS_PER_BATCH])
        if not sheets:
            return
        by_sheet = {s.pk: s for s in sheets}
        events = list(
            SheetEvent.objects.filter(sheet_id__in=by_sheet)
            .select_related("actor")
            .order_by("sheet_id", "at", "pk")
        )
        for event in events:
            sheet = by_sheet[event.sheet_id]
            event.seq = sheet.event_seq + 1
            event.actor_name = actor_name(event.actor)
            event.prev_hash = sheet.event_head or GENESIS
            event.hash = chain_hash(event.prev_hash, content(event, event.actor_name))
            sheet.event_seq, sheet.event_head = event.seq, event.hash
        SheetEvent.objects.bulk_update(events, ["seq", "actor_name", "prev_hash", "hash"], batch_size=1000)
        ScoreSheet.objects.bulk_update(sheets, ["event_seq", "event_head"], batch_size=1000)
        last_pk = sheets[-1].pk


class Migration(migrations.Migration):
    dependencies = [("review", "0004_event_chains")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
