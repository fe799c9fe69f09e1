"""Charts of the annual report as PNG images (matplotlib), with Chinese labels in a CJK font.

The font comes from Debian's fonts-noto-cjk (installed by scripts/system-packages.sh). Without a
CJK font matplotlib would draw every Chinese character as an empty box (豆腐块) and the report would
look finished while being unreadable, so a missing font is an error with the fix in its message.
"""

from __future__ import annotations

import functools
import io
import logging
import shutil
import subprocess
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from reports.figures import FIGURE

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# matplotlib is imported when a chart is drawn, not when Django starts: the web and worker processes
# that never draw one do not pay its import time and memory. Figures are made with
# matplotlib.figure.Figure, never pyplot: no global figure state, no GUI backend on servers and
# workers (savefig renders PNG with Agg whatever the default backend is).

logger = logging.getLogger(__name__)

# Simplified Chinese families, preferred first: the sans face reads best at chart sizes.
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Serif SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)

GRADE_LABELS: dict[str, str] = {
    "excellent": "优秀",
    "good": "良好",
    "pass": "合格",
    "passed": "合格",
    "fail": "不合格",
    "failed": "不合格",
}
GRADE_ORDER: tuple[str, ...] = ("优秀", "良好", "合格", "不合格")

# The report's colours: the navy of the product's header, and a muted red for money.
NAVY = "#14365d"
RED = "#b42318"
GREY = "#7b8794"
DPI = 150  # 16 cm wide → 945 px: sharp in print, light in the document

# What the charts draw, named by the figures' labels (reports.figures); the Word report's captions and
# the dashboard's chart titles are these titles.
CASES, FINES, GRADES = FIGURE["cases_filed"], FIGURE["fines_total_wan"], FIGURE["casefiles_by_grade"]
MONTHS_TITLE = f"各月{CASES.label}和{FINES.label}"
ORGANISATIONS_TITLE = f"各机构{CASES.label}和{FINES.label}"
GRADES_TITLE = GRADES.label


class CJKFontMissing(RuntimeError):
    """No font with Chinese glyphs is installed: charts would show boxes instead of characters."""

    def __init__(self) -> None:
        super().__init__(
            "未找到中文字体（如 Noto Sans CJK SC），无法生成含中文的统计图："
            "请安装 Debian 软件包 fonts-noto-cjk（运行 bash scripts/system-packages.sh），"
            "然后重新生成报告。No CJK font found: install fonts-noto-cjk."
        )


def _known_families() -> set[str]:
    from matplotlib import font_manager

    return {entry.name for entry in font_manager.fontManager.ttflist}


def _fontconfig_files() -> list[str]:
    """Files of the fonts fontconfig knows for Chinese: fonts installed after matplotlib built its
    font cache are not in that cache, and would otherwise go unseen until the cache is rebuilt."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        listed = subprocess.run(
            [fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(":")[0].strip() for line in listed.splitlines() if line.strip()})


@functools.cache
def cjk_font_family() -> str:
    """The CJK font family the charts use; CJKFontMissing when none is installed.

    Looked up once per process (a failed lookup is not cached: installing the font and retrying works).
    """
    for family in CJK_FAMILIES:
        if family in _known_families():
            return family
    from matplotlib import font_manager

    for path in _fontconfig_files():
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            logger.warning("cannot load font file %s", path)
    known = _known_families()
    for family in CJK_FAMILIES:
        if family in known:
            return family
    raise CJKFontMissing()


def _figure(width_cm: float, height_cm: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI, layout="constrained")


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()


def _rc() -> Any:
    import matplotlib

    return matplotlib.rc_context(_style())


def _style() -> dict[str, Any]:
    return {
        "font.family": [cjk_font_family()],
        "font.size": 9,
        "axes.unicode_minus": False,  # the CJK fonts have no U+2212; use the hyphen-minus
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _wan_label(value: Decimal | float) -> str:
    return f"{Decimal(str(value)):.2f}"


def monthly_chart(*, months: Sequence[dict[str, Any]]) -> bytes:
    """Bars: cases filed each month; line (right axis): fines decided each month in 万元."""
    labels = [f"{m['month']}月" for m in months]
    filed = [int(m["cases_filed"]) for m in months]
    fines = [float(m["fines_total_wan"]) for m in months]
    with _rc():
        figure = _figure(16, 8)
        axes = figure.add_subplot()
        bars = axes.bar(labels, filed, color=NAVY, width=0.6, label=CASES.heading)
        axes.bar_label(bars, labels=[str(v) if v else "" for v in filed], padding=2, fontsize=7)
        axes.set_ylabel(CASES.heading)
        axes.set_ylim(0, max([*filed, 1]) * 1.2)
        axes.yaxis.get_major_locator().set_params(integer=True)
        money = axes.twinx()
        money.spines["right"].set_visible(True)
        money.spines["top"].set_visible(False)
        (line,) = money.plot(labels, fines, color=RED, marker="o", markersize=3, label=FINES.heading)
        money.set_ylabel(FINES.heading)
        money.set_ylim(0, max([*fines, 0.01]) * 1.2)
        figure.legend(handles=[bars, line], loc="outside upper center", frameon=False, ncols=2)
        return _png(figure)


def organisations_chart(*, labels: Sequence[str], cases: Sequence[int], fines: Sequence[Decimal]) -> bytes:
    """Horizontal bars per sub-organisation (top to bottom in the order given): cases filed, and
    fines in 万元 beside them."""
    names, filed, money_wan = (
        list(labels)[::-1],
        [int(c) for c in cases][::-1],
        [float(f) for f in fines][::-1],
    )
    height = max(5.0, 1.0 + 0.9 * len(names))
    with _rc():
        figure = _figure(16, height)
        left, right = figure.subplots(1, 2, sharey=True)
        bars = left.barh(names, filed, color=NAVY)
        left.bar_label(bars, padding=2, fontsize=7)
        left.set_title(CASES.heading)
        left.set_xlim(0, max([*filed, 1]) * 1.25)
        left.xaxis.get_major_locator().set_params(integer=True)
        money = right.barh(names, money_wan, color=RED)
        right.bar_label(money, labels=[_wan_label(v) for v in money_wan], padding=2, fontsize=7)
        right.set_title(FINES.heading)
        right.set_xlim(0, max([*money_wan, 0.01]) * 1.35)
        return _png(figure)


def grade_counts(by_grade: dict[str, int]) -> list[tuple[str, int]]:
    """(Chinese grade, files) in the order 优秀, 良好, 合格, 不合格, then any other grade."""
    counts: dict[str, int] = {}
    for grade, files in by_grade.items():
        label = GRADE_LABELS.get(str(grade).lower(), str(grade))
        counts[label] = counts.get(label, 0) + int(files)
    ordered = [(g, counts.pop(g)) for g in GRADE_ORDER if g in counts]
    return ordered + sorted(counts.items())


def grades_chart(*, by_grade: dict[str, int]) -> bytes:
    """Bars: case files reviewed per grade."""
    pairs = grade_counts(by_grade)
    colours = {"优秀": "#1f7a4d", "良好": NAVY, "合格": GREY, "不合格": RED}
    with _rc():
        figure = _figure(12, 7)
        axes = figure.add_subplot()
        bars = axes.bar(
            [g for g, _ in pairs],
            [n for _, n in pairs],
            color=[colours.get(g, NAVY) for g, _ in pairs],
            width=0.5,
        )
        axes.bar_label(bars, padding=2, fontsize=8)
        axes.set_ylabel(f"{FIGURE['casefiles_reviewed'].label}（{GRADES.unit}）")
        axes.set_ylim(0, max([n for _, n in pairs] + [1]) * 1.2)
        axes.yaxis.get_major_locator().set_params(integer=True)
        return _png(figure)
