"""Writes to the violation catalogue, and the invariants every write keeps.

The invariants (Chinese messages, checked here for every source: the data file, a spreadsheet, the admin):
- a catalogue entry names its 违法依据 and 处罚依据 and has a coherent statutory range;
- a benchmark level's fine range lies within the statutory range of its violation type;
- the levels of one version rise with severity (轻微 ≤ 一般 ≤ 较重 ≤ 严重) without overlapping
  (a shared boundary is allowed: "1万元以上3万元以下" / "3万元以上6万元以下" both include 3万);
- versions of one violation type never overlap in time. Adding a later version ends the open one
  before it on the day before; nothing else of an existing version is rewritten.

Single-row rules are also CHECK constraints (casefiles.models) and the version periods an exclusion
constraint on PostgreSQL (migration 0005); the cross-row rules can only live here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction

from casefiles.catalogue.values import SEVERITY_LABELS, SUBJECT_LABELS, Envelope, range_text, yuan
from casefiles.models import (
    SEVERITY_ORDER,
    BenchmarkLevel,
    DiscretionBenchmark,
    Law,
    ViolationArticle,
    ViolationType,
)
from law.articles import ArticleSpec, articles_text

# --- what a source says ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something wrong with the data; `row` is the spreadsheet row (header = 1) when it came from one."""

    message: str
    row: int | None = None

    def __str__(self) -> str:
        return f"第{self.row}行：{self.message}" if self.row else self.message


@dataclass
class LevelSpec:
    severity: str
    conditions: str
    measures: str = ""
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    allows_no_penalty: bool = False
    row: int | None = None


@dataclass
class BenchmarkSpec:
    effective_from: date
    document_title: str
    effective_to: date | None = None
    document_number: str = ""
    notes: str = ""
    levels: list[LevelSpec] = field(default_factory=list)
    row: int | None = None


@dataclass
class EntrySpec:
    """One catalogue entry (违法行为) with its benchmark versions, as a data file or spreadsheet gives it."""

    code: str
    name: str
    legal_basis: list[ArticleSpec]
    penalty_basis: list[ArticleSpec]
    domain: str = "安全生产"
    subject: str = ViolationType.Subject.ENTITY
    statutory_penalty: str = ""
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    overdue_fine_min: Decimal | None = None
    overdue_fine_max: Decimal | None = None
    person_fine_min: Decimal | None = None
    person_fine_max: Decimal | None = None
    allows_warning: bool = False
    allows_suspension: bool = False
    allows_revocation: bool = False
    allows_closure: bool = False
    active: bool = True
    benchmarks: list[BenchmarkSpec] = field(default_factory=list)
    row: int | None = None


# The plain fields of ViolationType an EntrySpec carries, with their labels for messages.
ENTRY_FIELDS: tuple[str, ...] = (
    "name",
    "domain",
    "subject",
    "statutory_penalty",
    "fine_min",
    "fine_max",
    "overdue_fine_min",
    "overdue_fine_max",
    "person_fine_min",
    "person_fine_max",
    "allows_warning",
    "allows_suspension",
    "allows_revocation",
    "allows_closure",
    "active",
)


class CatalogueError(ValidationError):
    """The data breaks an invariant; `problems` says where and what, in Chinese."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__([str(p) for p in self.problems])


# --- invariants, as pure functions so that the admin forms ask the same questions ---------------------


def _pair_problems(low: Decimal | None, high: Decimal | None, label: str, row: int | None) -> list[Problem]:
    problems = []
    if (low is None) != (high is None) and label != "法定罚款":
        problems.append(Problem(f"{label}的下限和上限应同时填写或同时不填", row))
    if (low is not None and low < 0) or (high is not None and high < 0):
        problems.append(Problem(f"{label}不能为负数", row))
    if low is not None and high is not None and low > high:
        problems.append(Problem(f"{label}下限（{yuan(low)}）高于上限（{yuan(high)}）", row))
    return problems


def entry_problems(spec: EntrySpec) -> list[Problem]:
    """The entry itself: identity, articles, statutory range."""
    row = spec.row
    problems = []
    if not spec.code.strip():
        problems.append(Problem("编码不能为空", row))
    elif len(spec.code) > 32:
        problems.append(Problem(f"编码“{spec.code}”超过 32 个字符", row))
    if not spec.name.strip():
        problems.append(Problem("违法行为名称不能为空", row))
    elif len(spec.name) > 200:
        problems.append(Problem("违法行为名称超过 200 个字符", row))
    if not spec.domain.strip():
        problems.append(Problem("执法领域不能为空", row))
    if spec.subject not in SUBJECT_LABELS:
        problems.append(
            Problem(f"处罚对象“{spec.subject}”无效，应为：{'、'.join(SUBJECT_LABELS.values())}", row)
        )
    if not spec.legal_basis:
        problems.append(Problem("未填写违法依据的条款", row))
    if not spec.penalty_basis:
        problems.append(Problem("未填写处罚依据的条款", row))
    for refs, label in ((spec.legal_basis, "违法依据"), (spec.penalty_basis, "处罚依据")):
        if refs and len(articles_text(refs)) > 300:
            problems.append(Problem(f"{label}条款过多，合计超过 300 个字符", row))
    problems += _pair_problems(spec.fine_min, spec.fine_max, "法定罚款", row)
    problems += _pair_problems(spec.overdue_fine_min, spec.overdue_fine_max, "逾期未改正罚款", row)
    problems += _pair_problems(spec.person_fine_min, spec.person_fine_max, "责任人员罚款", row)
    return problems


def level_problems(
    *, envelope: Envelope, levels: Sequence[LevelSpec], fallback_row: int | None = None
) -> list[Problem]:
    """A version's levels: each inside the statutory envelope, rising with severity without overlap."""
    problems: list[Problem] = []
    if not levels:
        return [Problem("裁量基准至少应有一个裁量阶次", fallback_row)]
    seen: dict[str, LevelSpec] = {}
    faulty: set[int] = set()  # levels already wrong on their own stay out of the order check
    for level in levels:
        count = len(problems)
        row = level.row or fallback_row
        label = SEVERITY_LABELS.get(level.severity)
        if label is None:
            problems.append(
                Problem(f"裁量阶次“{level.severity}”无效，应为：{'、'.join(SEVERITY_LABELS.values())}", row)
            )
            continue
        if level.severity in seen:
            problems.append(Problem(f"{label}阶次重复", row))
            continue
        seen[level.severity] = level
        if not level.conditions.strip():
            problems.append(Problem(f"{label}阶次未填写适用情形", row))
        if level.allows_no_penalty and level.severity != BenchmarkLevel.Severity.MINOR:
            problems.append(Problem(f"只有轻微阶次可以规定不予处罚，{label}阶次不可以", row))
        pair = _pair_problems(level.fine_min, level.fine_max, f"{label}阶次罚款", row)
        problems += pair
        fined = not pair and level.fine_min is not None and level.fine_max is not None
        if fined and not envelope.contains(level.fine_min, level.fine_max):  # type: ignore[arg-type]
            problems.append(
                Problem(
                    f"{label}阶次罚款幅度（{range_text(level.fine_min, level.fine_max)}）"
                    f"超出法定幅度（{envelope.text()}）",
                    row,
                )
            )
        if len(problems) > count:
            faulty.add(id(level))
    # Rising order: each fined level starts where the lighter one ends, or above it.
    previous: LevelSpec | None = None
    for code in SEVERITY_ORDER:
        level = seen.get(code)
        if level is None or id(level) in faulty or level.fine_min is None or level.fine_max is None:
            continue
        if previous is not None and (
            level.fine_min < previous.fine_max or level.fine_max < previous.fine_max
        ):  # type: ignore[operator]
            problems.append(
                Problem(
                    f"{SEVERITY_LABELS[code]}阶次罚款幅度（{range_text(level.fine_min, level.fine_max)}）"
                    f"与{SEVERITY_LABELS[previous.severity]}阶次"
                    f"（{range_text(previous.fine_min, previous.fine_max)}）重叠或次序颠倒："
                    "较重的阶次应从较轻阶次的上限起算",
                    level.row or fallback_row,
                )
            )
        previous = level
    return problems


@dataclass
class _Version:
    effective_from: date
    effective_to: date | None
    existing: DiscretionBenchmark | None
    row: int | None = None
    closes_at: date | None = None  # set when adding a later version ends this open one


def _period_text(start: date, end: date | None) -> str:
    return f"{start} 起" + (f"至 {end}" if end else "（现行有效）")


def version_problems(
    *, code: str, versions: list[_Version], may_close_existing: bool
) -> tuple[list[Problem], list[_Version]]:
    """Order the versions in time; an open version followed by a new one is ended the day before it.

    Returns the problems and the existing versions that would be closed. An existing open version is
    closed only when `may_close_existing`; otherwise the later new version is refused.
    """
    problems: list[Problem] = []
    closing: list[_Version] = []
    ordered = sorted(versions, key=lambda v: v.effective_from)
    for before, after in pairwise(ordered):
        if before.effective_from == after.effective_from:
            problems.append(Problem(f"{code} 在 {after.effective_from} 已有裁量基准版本", after.row))
            continue
        end = before.closes_at or before.effective_to
        if end is None and after.existing is None and (before.existing is None or may_close_existing):
            before.closes_at = after.effective_from - timedelta(days=1)
            if before.existing is not None:
                closing.append(before)
            continue
        if end is None or end >= after.effective_from:
            new = after if after.existing is None else before
            other = before if new is after else after
            problems.append(
                Problem(
                    f"{code} 的裁量基准版本（{_period_text(new.effective_from, new.effective_to)}）"
                    f"与已有版本（{_period_text(other.effective_from, other.closes_at or other.effective_to)}）时间重叠",
                    new.row,
                )
            )
    return problems, closing


def benchmark_period_problems(
    *,
    violation_type: ViolationType,
    effective_from: date,
    effective_to: date | None,
    exclude_pk: int | None = None,
) -> list[Problem]:
    """For the admin: does this period fit beside the other versions (an open predecessor may be closed)?"""
    others = DiscretionBenchmark.objects.filter(violation_type=violation_type).exclude(pk=exclude_pk)
    versions = [_Version(b.effective_from, b.effective_to, b) for b in others]
    versions.append(_Version(effective_from, effective_to, None))
    # Only a new version may close its predecessor; editing an existing one never moves another.
    problems, _ = version_problems(
        code=violation_type.code, versions=versions, may_close_existing=exclude_pk is None
    )
    return problems


# --- writes --------------------------------------------------------------------------------------------


def _laws_by_name() -> dict[str, Law]:
    return {law.name: law for law in Law.objects.all()}


def law_resolve(name: str, laws: dict[str, Law]) -> str:
    """The full name of a law: 安全生产法 → 中华人民共和国安全生产法 when that is the one known law it ends."""
    name = name.strip().strip("《》")
    if name in laws:
        return name
    matches = [full for full in laws if full.endswith(name)]
    return matches[0] if len(matches) == 1 else name


def _resolved(refs: Iterable[ArticleSpec], laws: dict[str, Law]) -> list[ArticleSpec]:
    return [ArticleSpec(law_resolve(r.law, laws), r.article, r.paragraph, r.item) for r in refs]


def violation_type_articles_set(
    *, violation_type: ViolationType, legal_basis: Sequence[ArticleSpec], penalty_basis: Sequence[ArticleSpec]
) -> None:
    """Replace the entry's article references and derive its display text from them."""
    laws = _laws_by_name()
    violation_type.articles.all().delete()
    for role, refs in (
        (ViolationArticle.Role.LEGAL, legal_basis),
        (ViolationArticle.Role.PENALTY, penalty_basis),
    ):
        for position, ref in enumerate(_resolved(refs, laws), start=1):
            law = laws.get(ref.law) or Law.objects.create(name=ref.law)
            laws[law.name] = law
            ViolationArticle.objects.create(
                violation_type=violation_type,
                role=role,
                position=position,
                law=law,
                article=ref.article,
                paragraph=ref.paragraph,
                item=ref.item,
            )
    violation_type_basis_refresh(violation_type=violation_type)


def violation_type_basis_refresh(*, violation_type: ViolationType) -> None:
    """Derive 违法依据 / 处罚依据 text from the structured references (kept as is where there are none)."""
    refs: dict[str, list[ArticleSpec]] = {role: [] for role in ViolationArticle.Role.values}
    for a in violation_type.articles.select_related("law").order_by("role", "position"):
        refs[a.role].append(ArticleSpec(a.law.name, a.article, a.paragraph, a.item))
    changed = []
    for role, attr in (
        (ViolationArticle.Role.LEGAL, "legal_basis"),
        (ViolationArticle.Role.PENALTY, "penalty_basis"),
    ):
        if refs[role] and getattr(violation_type, attr) != (text := articles_text(refs[role])):
            setattr(violation_type, attr, text)
            changed.append(attr)
    if changed:
        violation_type.save(update_fields=changed)


def article_specs(violation_type: ViolationType, role: str) -> list[ArticleSpec]:
    return [
        ArticleSpec(a.law.name, a.article, a.paragraph, a.item)
        for a in violation_type.articles.all()
        if a.role == role
    ]


def _benchmark_create(
    *, violation_type: ViolationType, spec: BenchmarkSpec, effective_to: date | None
) -> DiscretionBenchmark:
    benchmark = DiscretionBenchmark.objects.create(
        violation_type=violation_type,
        effective_from=spec.effective_from,
        effective_to=effective_to,
        document_title=spec.document_title,
        document_number=spec.document_number,
        notes=spec.notes,
    )
    BenchmarkLevel.objects.bulk_create(
        BenchmarkLevel(
            benchmark=benchmark,
            severity=level.severity,
            conditions=level.conditions,
            measures=level.measures,
            fine_min=level.fine_min,
            fine_max=level.fine_max,
            allows_no_penalty=level.allows_no_penalty,
        )
        for level in spec.levels
    )
    return benchmark


def benchmark_predecessor_close(
    *, violation_type: ViolationType, effective_from: date
) -> DiscretionBenchmark | None:
    """A new version from `effective_from` ends the open version before it on the previous day."""
    before = (
        DiscretionBenchmark.objects.select_for_update()
        .filter(violation_type=violation_type, effective_from__lt=effective_from, effective_to__isnull=True)
        .order_by("-effective_from")
        .first()
    )
    if before is not None:
        before.effective_to = effective_from - timedelta(days=1)
        before.save(update_fields=["effective_to"])
    return before


@transaction.atomic
def benchmark_add(*, violation_type: ViolationType, spec: BenchmarkSpec) -> DiscretionBenchmark:
    """Add one version (a revision): checked, the open predecessor ended the day before it."""
    violation_type = ViolationType.objects.select_for_update().get(pk=violation_type.pk)
    problems = level_problems(envelope=Envelope.of(violation_type), levels=spec.levels, fallback_row=spec.row)
    problems += benchmark_period_problems(
        violation_type=violation_type, effective_from=spec.effective_from, effective_to=spec.effective_to
    )
    if not spec.document_title.strip():
        problems.append(Problem("未填写裁量基准文件名称", spec.row))
    if problems:
        raise CatalogueError(problems)
    benchmark_predecessor_close(violation_type=violation_type, effective_from=spec.effective_from)
    return _benchmark_create(violation_type=violation_type, spec=spec, effective_to=spec.effective_to)


# --- merging a whole source (data file or spreadsheet) --------------------------------------------------


@dataclass
class MergeReport:
    """What a merge did, or (with problems) why it did nothing."""

    created: list[str] = field(default_factory=list)
    versions_added: list[str] = field(default_factory=list)
    versions_closed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    laws_created: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.versions_added or self.versions_closed or self.laws_created)

    def lines(self) -> list[str]:
        out = [
            f"新增违法行为 {len(self.created)} 项，新增裁量基准版本 {len(self.versions_added)} 个，"
            f"已有且未改动 {len(self.unchanged)} 项，跳过 {len(self.skipped)} 处。"
        ]
        out += [f"  新增违法行为：{entry}" for entry in self.created]
        # Versions of a new entry are told with it; these are revisions of entries already there.
        created = {entry.split(" ", 1)[0] for entry in self.created}
        out += [f"  新增裁量基准版本：{v}" for v in self.versions_added if v.split(" ", 1)[0] not in created]
        out += [f"  原版本失效日期设为新版本生效前一日：{v}" for v in self.versions_closed]
        out += [f"  新增法律法规：《{name}》" for name in self.laws_created]
        out += [f"  跳过：{reason}" for reason in self.skipped]
        return out


def _differences(vt: ViolationType, spec: EntrySpec, laws: dict[str, Law]) -> list[str]:
    labels = {name: str(ViolationType._meta.get_field(name).verbose_name) for name in ENTRY_FIELDS}
    diffs = [labels[name] for name in ENTRY_FIELDS if getattr(vt, name) != getattr(spec, name)]
    if vt.legal_basis != articles_text(_resolved(spec.legal_basis, laws)):
        diffs.insert(1, "违法依据")
    if vt.penalty_basis != articles_text(_resolved(spec.penalty_basis, laws)):
        diffs.insert(2, "处罚依据")
    return diffs


LEVEL_FIELDS = {
    "conditions": "适用情形",
    "measures": "裁量标准",
    "fine_min": "罚款下限",
    "fine_max": "罚款上限",
    "allows_no_penalty": "可不予处罚",
}


def _version_differences(existing: DiscretionBenchmark, spec: BenchmarkSpec) -> dict[int | None, list[str]]:
    """What the source says differently about an existing version, by the row that says it."""
    diffs: dict[int | None, list[str]] = {}
    if existing.document_title != spec.document_title:
        diffs.setdefault(spec.row, []).append("基准文件")
    if existing.document_number != spec.document_number:
        diffs.setdefault(spec.row, []).append("文号")
    if spec.effective_to is not None and existing.effective_to != spec.effective_to:
        diffs.setdefault(spec.row, []).append("失效日期")
    have = {level.severity: level for level in existing.levels.all()}
    for level in spec.levels:
        label = SEVERITY_LABELS.get(level.severity, level.severity)
        current = have.pop(level.severity, None)
        if current is None:
            diffs.setdefault(level.row, []).append(f"{label}阶次（系统中没有）")
            continue
        changed = [
            text
            for name, text in LEVEL_FIELDS.items()
            if (getattr(current, name) or "") != (getattr(level, name) or "")
            and not (
                isinstance(getattr(level, name), str)
                and getattr(current, name).strip() == getattr(level, name).strip()
            )
        ]
        if changed:
            diffs.setdefault(level.row, []).append(f"{label}阶次的{'、'.join(changed)}")
    for severity in have:
        diffs.setdefault(spec.row, []).append(f"{SEVERITY_LABELS[severity]}阶次（表中没有）")
    return diffs


def catalogue_merge(*, entries: Sequence[EntrySpec], strict: bool, dry_run: bool = False) -> MergeReport:
    """Add what the source has and the catalogue lacks; never rewrite what is there.

    strict=False (the shipped data file): an entry or version that exists is left as the admins keep it,
    even where it differs, and a version that would need an admin's version changed is skipped with
    the reason. strict=True (a spreadsheet): a difference from an existing entry or version is a
    problem, since the person importing expects their sheet to be the catalogue. With any problem
    nothing is written. Adding a later version ends the open one before it (strict only, for existing
    versions): that is what a revision means, and the only change an existing row can receive.
    """
    report = MergeReport()
    with transaction.atomic():
        codes = [e.code for e in entries]
        existing = {
            vt.code: vt
            for vt in ViolationType.objects.select_for_update()
            .filter(code__in=codes)
            .prefetch_related("benchmarks__levels", "articles__law")
        }
        laws = _laws_by_name()
        plans = []
        seen_codes: dict[str, int | None] = {}
        for spec in entries:
            if spec.code in seen_codes:
                where = f"（与第{seen_codes[spec.code]}行重复）" if seen_codes[spec.code] else ""
                report.problems.append(Problem(f"编码 {spec.code} 重复{where}", spec.row))
                continue
            seen_codes[spec.code] = spec.row
            plans.append(_plan_entry(spec, existing.get(spec.code), laws, strict, report))
        if report.problems or dry_run:
            return report
        for apply in plans:
            apply(laws, report)
    return report


def _plan_entry(
    spec: EntrySpec, vt: ViolationType | None, laws: dict[str, Law], strict: bool, report: MergeReport
) -> Callable[[dict[str, Law], MergeReport], None]:
    """Check one entry against the catalogue; return the function that writes it."""
    problems = entry_problems(spec)
    if vt is not None and strict and not problems:
        diffs = _differences(vt, spec, laws)
        if diffs:
            problems.append(
                Problem(
                    f"编码 {spec.code} 已存在，表中的{'、'.join(diffs)}与系统中不一致；"
                    "导入不改写已有违法行为，请在管理后台修改",
                    spec.row,
                )
            )
    envelope = Envelope.of(vt if vt is not None else spec)
    by_date = {b.effective_from: b for b in vt.benchmarks.all()} if vt is not None else {}
    new_versions: list[tuple[BenchmarkSpec, _Version]] = []
    timeline = [_Version(b.effective_from, b.effective_to, b) for b in by_date.values()]
    for bench in spec.benchmarks:
        if not bench.document_title.strip():
            problems.append(Problem("未填写裁量基准文件名称", bench.row))
        if bench.effective_to is not None and bench.effective_to < bench.effective_from:
            problems.append(
                Problem(f"失效日期 {bench.effective_to} 早于生效日期 {bench.effective_from}", bench.row)
            )
        found = by_date.get(bench.effective_from)
        if found is not None:
            diffs = _version_differences(found, bench)
            if diffs and strict:
                problems += [
                    Problem(
                        f"{spec.code} 自 {bench.effective_from} 起的裁量基准版本已存在，表中的{'、'.join(fields)}"
                        "与系统中不一致；导入不改写历史版本，修订请以新的生效日期作为新版本导入",
                        row,
                    )
                    for row, fields in diffs.items()
                ]
            elif diffs:
                fields = [field for fields in diffs.values() for field in fields]
                report.skipped.append(
                    f"{spec.code} 自 {bench.effective_from} 起的裁量基准版本已由管理员修改（{'、'.join(fields)}），保留现有内容"
                )
            continue
        level_issues = level_problems(envelope=envelope, levels=bench.levels, fallback_row=bench.row)
        if level_issues and not strict and vt is not None:
            report.skipped.append(
                f"{spec.code} 自 {bench.effective_from} 起的裁量基准版本与现有法定幅度不符，未添加："
                + "；".join(p.message for p in level_issues)
            )
            continue
        problems += level_issues
        version = _Version(bench.effective_from, bench.effective_to, None, bench.row)
        if not strict and vt is not None:
            # Try it beside what is there on copies: a refused version must leave no trace in the plan.
            trial = [
                _Version(v.effective_from, v.effective_to, v.existing, v.row) for v in [*timeline, version]
            ]
            issues, _ = version_problems(code=spec.code, versions=trial, may_close_existing=False)
            if issues:
                report.skipped += [f"{issue.message}，未添加" for issue in issues]
                continue
        timeline.append(version)
        new_versions.append((bench, version))
    period_issues, closing = version_problems(code=spec.code, versions=timeline, may_close_existing=strict)
    problems += period_issues
    report.problems += problems

    def apply(laws: dict[str, Law], report: MergeReport) -> None:
        target = vt
        if target is None:
            for ref in _resolved([*spec.legal_basis, *spec.penalty_basis], laws):
                if ref.law not in laws:
                    laws[ref.law] = Law.objects.create(name=ref.law)
                    report.laws_created.append(ref.law)
            target = ViolationType.objects.create(
                code=spec.code, **{name: getattr(spec, name) for name in ENTRY_FIELDS}
            )
            violation_type_articles_set(
                violation_type=target, legal_basis=spec.legal_basis, penalty_basis=spec.penalty_basis
            )
            report.created.append(f"{spec.code} {spec.name}（裁量基准版本 {len(new_versions)} 个）")
        elif not new_versions:
            report.unchanged.append(spec.code)
        # Close before insert: the exclusion constraint checks each statement.
        for version in closing:
            assert version.existing is not None
            version.existing.effective_to = version.closes_at
            version.existing.save(update_fields=["effective_to"])
            report.versions_closed.append(
                f"{spec.code} 自 {version.effective_from} 起的版本至 {version.closes_at}"
            )
        for bench, version in sorted(new_versions, key=lambda pair: pair[0].effective_from):
            _benchmark_create(
                violation_type=target, spec=bench, effective_to=version.closes_at or bench.effective_to
            )
            report.versions_added.append(f"{spec.code} 自 {bench.effective_from} 起")

    return apply
