"""Tamper evidence for append-only logs: each row stores SHA-256(previous hash + its own content)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64


def canonical(value: Any) -> Any:
    """JSON-safe form of a value as the database will give it back (dates and Decimals as strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def chain_hash(prev_hash: str, content: dict[str, Any]) -> str:
    body = json.dumps(canonical(content), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def chain_breaks(rows: list[Any], *, head: str, count: int) -> list[tuple[int | None, str]]:
    """Where an append-only chain is broken. `rows` (ordered by seq, each with seq, prev_hash, hash
    and content()) are checked against the head and count their owner recorded. Returns (seq, kind)
    pairs: "missing" (a gap), "relinked" (prev_hash does not match), "edited" (content does not
    match its hash), "count" (rows deleted at the end), "head" (last hash differs from the owner's)."""
    breaks: list[tuple[int | None, str]] = []
    prev = GENESIS
    for expected, row in enumerate(rows, start=1):
        if row.seq != expected:
            return [*breaks, (expected, "missing")]
        if row.prev_hash != prev:
            breaks.append((row.seq, "relinked"))
        if chain_hash(row.prev_hash, row.content()) != row.hash:
            breaks.append((row.seq, "edited"))
        prev = row.hash
    if not breaks:
        if len(rows) != count:
            breaks.append((None, "count"))
        elif count and prev != head:
            breaks.append((None, "head"))
    return breaks
