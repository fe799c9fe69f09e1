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
