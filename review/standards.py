"""Scoring standards as data: read and check a standard (from the shipped JSON file, a bureau's own file
or the API), then store it as a new immutable version.

The shipped default (review/data/penalty_standard.json) is loaded by migration 0002 and by
`manage.py load_review_standard`; both are idempotent (a stored code + version is left as it is).
The writer takes the model classes as arguments so the migration can pass its historical models.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.errors import Conflict, InvalidInput
from review.models import ScoringStandard, StandardCategory, StandardItem, VetoItem

DEFAULT_STANDARD_FILE = Path(__file__).resolve().parent / "data" / "penalty_standard.json"
TOTAL_POINTS = Decimal("100")  # SPEC §8: the categories' points sum to 100
CENT = Decimal("0.01")
CODE = re.compile(r"^[A-Za-z0-9_.-]{1,20}$")
STANDARD_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
MAX_ITEMS = 300
MAX_FINDING_CODES = 20


@dataclass(frozen=True)
class ItemSpec:
    code: str
    text: str
    deduction_min: Decimal
    deduction_max: Decimal
    finding_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name: str
    points: Decimal
    cap: Decimal | None
    items: tuple[ItemSpec, ...]


@dataclass(frozen=True)
class VetoSpec:
    code: str
    text: str
    finding_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class StandardSpec:
    code: str
    name: str
    version: int | None
    description: str
    excellent_min: Decimal
    good_min: Decimal
    pass_min: Decimal
    categories: tuple[CategorySpec, ...]
    vetoes: tuple[VetoSpec, ...] = ()


@dataclass
class _Problems:
    messages: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.messages.append(f"{where}：{message}" if where else message)


def _points(value: Any, where: str, problems: _Problems, *, allow_none: bool = False) -> Decimal | None:
    if value is None and allow_none:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        problems.add(where, f"不是分值：{value!r}")
        return None
    if not number.is_finite() or number != number.quantize(CENT) or abs(number) >= 1000:
        problems.add(where, f"分值最多两位小数且小于 1000：{value!r}")
        return None
    return number.quantize(CENT)


def _text(data: dict[str, Any], key: str, where: str, problems: _Problems, limit: int) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.add(where, f"缺少“{key}”")
        return ""
    if len(value) > limit:
        problems.add(where, f"“{key}”不能超过 {limit} 个字符")
    return value.strip()


def _finding_codes(data: dict[str, Any], where: str, problems: _Problems) -> tuple[str, ...]:
    codes = data.get("finding_codes", [])
    if not isinstance(codes, list) or len(codes) > MAX_FINDING_CODES:
        problems.add(where, f"finding_codes 应为不超过 {MAX_FINDING_CODES} 个代码的列表")
        return ()
    bad = [c for c in codes if not isinstance(c, str) or not c or len(c) > 60]
    if bad:
        problems.add(where, f"自动发现代码无效：{bad!r}")
        return ()
    return tuple(codes)


def standard_spec_from_data(data: Any) -> StandardSpec:
    """Read a standard from its JSON form (the data file's, the API's). Every problem is named at once."""
    problems = _Problems()
    if not isinstance(data, dict):
        raise InvalidInput("评查标准应为 JSON 对象", errors={"non_field_errors": ["评查标准应为 JSON 对象"]})
    code = data.get("code")
    if not isinstance(code, str) or not STANDARD_CODE.match(code):
        problems.add("code", "标准代码应为 1–40 个字母、数字或 _ . -")
        code = ""
    version = data.get("version")
    if version is not None and (
        not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= 9999
    ):
        problems.add("version", "版本应为 1–9999 的整数")
        version = None
    name = _text(data, "name", "name", problems, 200)
    description = data.get("description", "")
    if not isinstance(description, str) or len(description) > 5000:
        problems.add("description", "说明应为不超过 5000 个字符的文字")
        description = ""
    thresholds = {
        key: _points(data.get(key, default), key, problems) or Decimal(0)
        for key, default in (("excellent_min", "90"), ("good_min", "80"), ("pass_min", "60"))
    }
    if not (
        Decimal(0)
        < thresholds["pass_min"]
        < thresholds["good_min"]
        < thresholds["excellent_min"]
        <= TOTAL_POINTS
    ):
        problems.add("pass_min", "等次分数线须满足 0 < 合格 < 良好 < 优秀 ≤ 100")

    codes_seen: set[str] = set()

    def unique_code(value: Any, where: str) -> str:
        if not isinstance(value, str) or not CODE.match(value):
            problems.add(where, "代码应为 1–20 个字母、数字或 _ . -")
            return ""
        if value in codes_seen:
            problems.add(where, f"代码“{value}”重复")
        codes_seen.add(value)
        return value

    categories: list[CategorySpec] = []
    raw_categories = data.get("categories")
    if not isinstance(raw_categories, list) or not raw_categories or len(raw_categories) > 30:
        problems.add("categories", "应有 1–30 个评查项目")
        raw_categories = []
    item_count = 0
    for i, raw in enumerate(raw_categories, 1):
        where = f"categories[{i}]"
        if not isinstance(raw, dict):
            problems.add(where, "应为对象")
            continue
        cat_code = unique_code(raw.get("code"), f"{where}.code")
        cat_name = _text(raw, "name", where, problems, 100)
        points = _points(raw.get("points"), f"{where}.points", problems)
        cap = _points(raw.get("cap"), f"{where}.cap", problems, allow_none=True)
        if points is not None and not Decimal(0) < points <= TOTAL_POINTS:
            problems.add(where, "分值须大于 0 且不超过 100")
        if cap is not None and points is not None and not Decimal(0) < cap <= points:
            problems.add(where, "扣分上限须大于 0 且不超过该项目分值")
        items: list[ItemSpec] = []
        raw_items = raw.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            problems.add(where, "每个评查项目至少应有一个扣分项")
            raw_items = []
        for j, raw_item in enumerate(raw_items, 1):
            item_where = f"{where}.items[{j}]"
            item_count += 1
            if not isinstance(raw_item, dict):
                problems.add(item_where, "应为对象")
                continue
            item_code = unique_code(raw_item.get("code"), f"{item_where}.code")
            text = _text(raw_item, "text", item_where, problems, 1000)
            low = _points(raw_item.get("min"), f"{item_where}.min", problems)
            high = _points(raw_item.get("max", raw_item.get("min")), f"{item_where}.max", problems)
            if low is not None and high is not None:
                if not Decimal(0) < low <= high:
                    problems.add(item_where, "每处扣分须大于 0，且下限不高于上限")
                elif points is not None and high > points:
                    problems.add(item_where, "每处扣分不能超过所在项目的分值")
            items.append(
                ItemSpec(
                    item_code,
                    text,
                    low or Decimal(0),
                    high or Decimal(0),
                    _finding_codes(raw_item, item_where, problems),
                )
            )
        categories.append(CategorySpec(cat_code, cat_name, points or Decimal(0), cap, tuple(items)))
    if item_count > MAX_ITEMS:
        problems.add("categories", f"扣分项不能超过 {MAX_ITEMS} 个")
    total = sum((c.points for c in categories), Decimal(0))
    if categories and total != TOTAL_POINTS:
        problems.add("categories", f"各评查项目分值之和应为 100，现为 {total}")

    vetoes: list[VetoSpec] = []
    raw_vetoes = data.get("vetoes", [])
    if not isinstance(raw_vetoes, list) or len(raw_vetoes) > 50:
        problems.add("vetoes", "否决项应为不超过 50 项的列表")
        raw_vetoes = []
    for k, raw in enumerate(raw_vetoes, 1):
        where = f"vetoes[{k}]"
        if not isinstance(raw, dict):
            problems.add(where, "应为对象")
            continue
        vetoes.append(
            VetoSpec(
                unique_code(raw.get("code"), f"{where}.code"),
                _text(raw, "text", where, problems, 1000),
                _finding_codes(raw, where, problems),
            )
        )
    named: dict[str, str] = {}
    for owner, codes in [(i.code, i.finding_codes) for c in categories for i in c.items] + [
        (v.code, v.finding_codes) for v in vetoes
    ]:
        for finding in codes:
            if finding in named and named[finding] != owner:
                problems.add(owner, f"自动发现代码“{finding}”已对应 {named[finding]}，一个代码只能对应一项")
            named.setdefault(finding, owner)
    if problems.messages:
        raise InvalidInput(
            "评查标准有误：" + "；".join(problems.messages[:5]),
            errors={"standard": problems.messages},
        )
    return StandardSpec(
        code=code,
        name=name,
        version=version,
        description=description,
        excellent_min=thresholds["excellent_min"],
        good_min=thresholds["good_min"],
        pass_min=thresholds["pass_min"],
        categories=tuple(categories),
        vetoes=tuple(vetoes),
    )


def standard_write(
    spec: StandardSpec,
    *,
    version: int,
    created_by_id: int | None,
    standard_model: Any = ScoringStandard,
    category_model: Any = StandardCategory,
    item_model: Any = StandardItem,
    veto_model: Any = VetoItem,
) -> Any:
    """Insert one checked standard version. The caller holds the transaction (and the version)."""
    standard = standard_model.objects.create(
        code=spec.code,
        version=version,
        name=spec.name,
        description=spec.description,
        excellent_min=spec.excellent_min,
        good_min=spec.good_min,
        pass_min=spec.pass_min,
        created_by_id=created_by_id,
        created_at=timezone.now(),
    )
    for position, category_spec in enumerate(spec.categories, 1):
        category = category_model.objects.create(
            standard=standard,
            code=category_spec.code,
            name=category_spec.name,
            points=category_spec.points,
            cap=category_spec.cap,
            position=position,
        )
        item_model.objects.bulk_create(
            item_model(
                category=category,
                code=item.code,
                text=item.text,
                deduction_min=item.deduction_min,
                deduction_max=item.deduction_max,
                finding_codes=list(item.finding_codes),
                position=item_position,
            )
            for item_position, item in enumerate(category_spec.items, 1)
        )
    veto_model.objects.bulk_create(
        veto_model(
            standard=standard,
            code=veto.code,
            text=veto.text,
            finding_codes=list(veto.finding_codes),
            position=position,
        )
        for position, veto in enumerate(spec.vetoes, 1)
    )
    return standard


def standard_create(*, spec: StandardSpec, actor: User | None) -> ScoringStandard:
    """Store a new version of a standard: the version given (409 when taken) or the next one."""
    with transaction.atomic():
        # Serialise version numbering per code: two admins adding "the next version" at once must
        # not both pick the same number (the unique constraint would turn the loser into a 500).
        existing = list(
            ScoringStandard.objects.select_for_update()
            .filter(code=spec.code)
            .values_list("version", flat=True)
        )
        version = spec.version or (max(existing, default=0) + 1)
        if version in existing:
            raise Conflict(f"评查标准“{spec.code}”已有第 {version} 版；修改标准请新增版本")
        try:
            with transaction.atomic():
                return standard_write(spec, version=version, created_by_id=actor.pk if actor else None)
        except IntegrityError:
            # The first version of a new code has no row to lock: a concurrent twin loses here.
            raise Conflict(f"评查标准“{spec.code}”第 {version} 版刚由他人创建，请刷新后重试") from None


def standard_set_active(*, standard_id: int, active: bool) -> None:
    """Offer a version to new campaigns or stop offering it; campaigns already using it keep it."""
    ScoringStandard.objects.filter(pk=standard_id).update(active=active)


def standard_file_read(path: Path = DEFAULT_STANDARD_FILE) -> StandardSpec:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InvalidInput(f"无法读取评查标准文件 {path}：{error}") from error
    return standard_spec_from_data(data)


def standard_load_file(*, path: Path = DEFAULT_STANDARD_FILE) -> tuple[ScoringStandard, bool]:
    """Load a standard file once: (the standard, whether it was created now). Idempotent."""
    spec = standard_file_read(path)
    if spec.version is None:
        raise InvalidInput("标准文件须写明版本号（version），以便重复载入时识别")
    with transaction.atomic():
        existing = ScoringStandard.objects.filter(code=spec.code, version=spec.version).first()
        if existing is not None:
            return existing, False
        return standard_create(spec=spec, actor=None), True
