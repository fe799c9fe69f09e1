"""What a rule says of a case: pass, warning (the file must show why) or fail, with the evidence."""

from __future__ import annotations

from dataclasses import asdict, dataclass

PASS, WARNING, FAIL = "pass", "warning", "fail"
RESULT_LABELS = {PASS: "通过", WARNING: "提示", FAIL: "不通过"}
RESULT_CHOICES = list(RESULT_LABELS.items())


@dataclass(frozen=True)
class Finding:
    """One point of the legal pre-check (法制审核辅助), as stored with a legal check."""

    code: str
    title: str
    result: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)
