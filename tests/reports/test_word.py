"""The Word report (reports.word): read back with python-docx, every figure in it; rendered to PDF by
LibreOffice, the Chinese text and the figures in the PDF; the charts in a CJK font, never boxes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import warnings
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from reports import charts
from reports.charts import CJKFontMissing
from reports.selectors import annual_report
from reports.word import annual_report_docx, render_annual_report_docx
from tests.factories import World, at
from tests.reports.annual_world import YEAR, AnnualWorld

pytestmark = pytest.mark.django_db

GENERATED = at(2026, 1, 20, 9, 30)


@pytest.fixture
def city_docx(db: None) -> bytes:
    """The city's 2025 report over the annual world."""
    a = AnnualWorld()
    return annual_report_docx(organisation=a.city, year=YEAR, now=GENERATED)


def docx_paragraphs(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def docx_tables(content: bytes) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in Document(io.BytesIO(content)).tables]


def whole_text(content: bytes) -> str:
    cells = "\n".join("\t".join(row) for table in docx_tables(content) for row in table)
    return "\n".join(docx_paragraphs(content)) + "\n" + cells


# --- the prose ------------------------------------------------------------------------------------------------

CITY_SENTENCES = (
    "市应急管理局2025年法治政府建设年度报告",
    "统计范围为市应急管理局及所属2个下级机构，统计期间为2025年1月1日至12月31日（北京时间）",
    "全年共执法检查企业4家次，查处违法行为10条，责令限期整改3次。",
    "立案查处违法案件7件，同比增长250.0%，其中事前立案5件，占立案总数的71.4%。",
    "作出行政处罚决定5件（其中简易程序1件），处罚罚款14.53万元，同比增长384.3%，案均罚款2.91万元；"
    "罚款5万元以上的案件2件，重大行政处罚案件2件。",
    "（一）行政执法公示。本年度作出的执法决定已公示3件，按时公示率66.7%。",
    "（二）执法全过程记录。列入音像记录清单的执法活动5次，有经校验的音像记录的占60.0%。",
    "（三）重大执法决定法制审核。全年法制审核案件2件，审核退回2次；作出重大行政处罚决定2件，"
    "本年度作出决定的重大案件中经告知前和决定前两次法制审核的2件；案审委员会集体讨论案件2件次；"
    "依当事人申请举行听证1次。",
    "向公安机关移送涉嫌犯罪案件1件、3人。将1个严重违法失信的当事人列入安全生产失信惩戒名单（黑名单）。",
    "全年发生行政复议2件，其中被撤销、变更或确认违法1件；发生行政诉讼2件，其中败诉1件。",
    "（三）案卷评查。本年度系统中无已完成评查的案卷，不附评查等次分布图。",
    "截至2025年12月31日，持有效行政执法证件的执法人员15人。",
    "本报告数据由执法办案系统于2026年1月20日 09:30生成。",
)


def test_the_report_reads_back_with_the_figures_in_its_sentences(city_docx: bytes) -> None:
    paragraphs = docx_paragraphs(city_docx)
    text = "\n".join(paragraphs)
    missing = [s for s in CITY_SENTENCES if s not in text]
    assert not missing, "missing from the report:\n" + "\n".join(missing)
    assert "None" not in text and "nan" not in text.lower()
    headings = [p for p in paragraphs if re.match(r"^[一二三四五六七八九十]+、", p)]
    assert headings == [
        "一、执法检查和案件查办情况",
        "二、落实行政执法“三项制度”情况",
        "三、执法监督和执法衔接情况",
        "四、分机构统计",
        "五、分月统计",
    ]


def test_the_tables_hold_every_figure_by_organisation_and_by_month(city_docx: bytes) -> None:
    inspections, penalties, systems, supervision, months = docx_tables(city_docx)
    names = ["区应急管理局", "外区应急管理局", "市应急管理局本级", "合计"]
    headers = [t[0] for t in (inspections, penalties, systems, supervision)]
    assert [h[0] for h in headers] == ["机构"] * 4
    assert [len(h) for h in headers] == [7, 8, 9, 9], "portrait A4 holds nine columns at most"
    assert [h.replace("\n", "") for h in inspections[0][1:]] == [
        "执法检查企业（家次）",
        "查处违法行为（条）",
        "责令限期整改（次）",
        "立案数（件）",
        "立案数同比",
        "事前立案数（件）",
    ]
    assert inspections[1:] == [
        [names[0], "3", "6", "2", "6", "+200.0%", "4"],
        [names[1], "1", "4", "1", "1", "—", "1"],
        [names[2], "0", "0", "0", "0", "—", "0"],
        [names[3], "4", "10", "3", "7", "+250.0%", "5"],
    ]
    assert penalties[1:] == [
        [names[0], "5", "1", "14.53", "+384.3%", "2.91", "2", "2"],
        [names[1], "0", "0", "0.00", "—", "—", "0", "0"],
        [names[2], "0", "0", "0.00", "—", "—", "0", "0"],
        [names[3], "5", "1", "14.53", "+384.3%", "2.91", "2", "2"],
    ]
    assert systems[1:] == [
        [names[0], "2", "2", "2", "2", "1", "3", "66.7%", "60.0%"],
        [names[1], "0", "0", "0", "0", "0", "0", "—", "—"],
        [names[2], "0", "0", "0", "0", "0", "0", "—", "—"],
        [names[3], "2", "2", "2", "2", "1", "3", "66.7%", "60.0%"],
    ]
    # No file of this world was reviewed: no column for it (the review paragraph says so).
    assert supervision[0][-1] == "持证执法人员\n（人）"
    assert supervision[1:] == [
        [names[0], "1", "3", "1", "2", "1", "2", "1", "12"],
        [names[1], "0", "0", "0", "0", "0", "0", "0", "3"],
        [names[2], "0", "0", "0", "0", "0", "0", "0", "0"],
        [names[3], "1", "3", "1", "2", "1", "2", "1", "15"],
    ]
    assert [h.replace("\n", "") for h in months[0]] == [
        "月份",
        "执法检查企业（家次）",
        "查处违法行为（条）",
        "立案数（件）",
        "处罚决定数（件）",
        "罚款金额（万元）",
    ]
    assert [row[0] for row in months[1:]] == [f"{m}月" for m in range(1, 13)] + ["合计"]
    assert months[1] == ["1月", "1", "3", "0", "1", "1.01"]  # c8's 10,050 yuan decided 6 Jan
    assert months[4] == ["4月", "0", "0", "1", "1", "8.00"]  # od1 filed; c1 decided 2 Apr
    assert months[-1] == ["合计", "4", "10", "7", "5", "14.53"]


def test_the_charts_are_pictures_in_the_document(city_docx: bytes) -> None:
    document = Document(io.BytesIO(city_docx))
    # By sub-organisation and by month; no case-file review grades yet, so no third chart.
    assert len(document.inline_shapes) == 2
    captions = [p.text for p in document.paragraphs if p.text.startswith("图")]
    assert captions == ["图1　各机构立案数和罚款金额", "图2　各月立案数和罚款金额"]
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_every_figure_of_the_total_appears_somewhere_in_the_document(city_docx: bytes) -> None:
    report_figures = {
        "inspections": "4",
        "violations_found": "10",
        "rectification_orders": "3",
        "cases_filed": "7",
        "cases_filed_yoy_pct": "250.0",
        "preventive_cases": "5",
        "summary_decisions": "1",
        "penalty_decisions": "5",
        "fines_total_wan": "14.53",
        "fines_yoy_pct": "384.3",
        "avg_fine_wan": "2.91",
        "fines_ge_50k": "2",
        "major_decisions": "2",
        "legal_check_cases": "2",
        "legal_check_returns": "2",
        "major_double_checked": "2",
        "deliberations": "2",
        "hearings": "1",
        "transfers_to_police": "1",
        "persons_transferred": "3",
        "blacklisted": "1",
        "reconsiderations": "2",
        "reconsiderations_overturned": "1",
        "litigations": "2",
        "litigations_lost": "1",
        "published": "3",
        "published_on_time_pct": "66.7",
        "av_required": "5",
        "av_covered_pct": "60.0",
        "certified_officers": "15",
    }
    phrases = {
        "inspections": "执法检查企业{}家次",
        "violations_found": "查处违法行为{}条",
        "rectification_orders": "责令限期整改{}次",
        "cases_filed": "立案查处违法案件{}件",
        "cases_filed_yoy_pct": "立案查处违法案件7件，同比增长{}%",
        "preventive_cases": "事前立案{}件",
        "summary_decisions": "简易程序{}件",
        "penalty_decisions": "作出行政处罚决定{}件",
        "fines_total_wan": "处罚罚款{}万元",
        "fines_yoy_pct": "万元，同比增长{}%",
        "avg_fine_wan": "案均罚款{}万元",
        "fines_ge_50k": "罚款5万元以上的案件{}件",
        "major_decisions": "重大行政处罚案件{}件",
        "legal_check_cases": "法制审核案件{}件",
        "legal_check_returns": "审核退回{}次",
        "major_double_checked": "两次法制审核的{}件",
        "deliberations": "集体讨论案件{}件次",
        "hearings": "举行听证{}次",
        "transfers_to_police": "移送涉嫌犯罪案件{}件",
        "persons_transferred": "件、{}人",
        "blacklisted": "将{}个严重违法失信的当事人",
        "reconsiderations": "行政复议{}件",
        "reconsiderations_overturned": "确认违法{}件",
        "litigations": "行政诉讼{}件",
        "litigations_lost": "败诉{}件",
        "published": "已公示{}件",
        "published_on_time_pct": "按时公示率{}%",
        "av_required": "执法活动{}次",
        "av_covered_pct": "音像记录的占{}%",
        "certified_officers": "执法人员{}人",
    }
    text = whole_text(city_docx)
    absent = [key for key, value in report_figures.items() if phrases[key].format(value) not in text]
    assert not absent, f"figures not stated: {absent}"


# --- absent and unknown figures --------------------------------------------------------------------------------


def test_an_empty_year_reads_gracefully(world: World) -> None:
    content = annual_report_docx(organisation=world.street, year=2024, now=GENERATED)
    text = whole_text(content)
    for sentence in (
        "全年系统中未登记执法检查。",
        "全年无立案和行政处罚决定。",
        "本年度作出的执法决定尚无公示记录。",
        "本年度无列入音像记录清单的执法活动。",
        "全年无经法制审核的案件；全年无提交集体讨论的案件；全年未举行听证。",
        "全年无向公安机关移送的涉嫌犯罪案件。",
        "全年未发生行政复议和行政诉讼案件。",
        "街应急管理局无下级机构，本报告的数据即为本机构的数据。",
    ):
        assert sentence in text
    assert "None" not in text and "同比" not in text.split("说明")[0]
    assert len(Document(io.BytesIO(content)).inline_shapes) == 1  # the monthly chart only


def test_the_current_year_is_reported_up_to_today(world: World) -> None:
    content = annual_report_docx(organisation=world.city, year=2026, now=at(2026, 3, 15, 11))
    text = whole_text(content)
    assert "统计期间为2026年1月1日至3月15日（北京时间）" in text
    assert "按2026年12月31日证件有效期计" in text


def test_a_prior_year_of_nothing_gives_no_comparison(world: World) -> None:
    from tests.reports.test_selectors import add_cases

    add_cases(world, 4)
    text = whole_text(annual_report_docx(organisation=world.district, year=YEAR, now=GENERATED))
    assert "立案查处违法案件2件，上年无可比数据" in text
    assert "处罚罚款0.04万元，上年无可比数据，案均罚款0.02万元" in text


def test_case_file_review_grades_when_present(world: World) -> None:
    report = annual_report(organisation=world.city, year=YEAR)
    report |= {
        "casefiles_reviewed": 12,
        "casefiles_by_grade": {"fail": 1, "excellent": 3, "pass": 3, "good": 5},
        "casefiles_mean_score": Decimal("84.5"),
    }
    reviewed = {"区": 12, "外区": 0, "市": 0}
    for row in report["breakdown"][:-1]:
        row["casefiles_reviewed"] = reviewed[row["organisation"]["code"]] if row["scope"] != "own" else 0
    report["breakdown"][-1]["casefiles_reviewed"] = 12
    content = render_annual_report_docx(report=report, generated_at=GENERATED)
    text = whole_text(content)
    assert "全年评查执法案卷12宗，其中优秀3宗、良好5宗、合格3宗、不合格1宗，平均得分84.5分。" in text
    document = Document(io.BytesIO(content))
    assert len(document.inline_shapes) == 3
    captions = [p.text for p in document.paragraphs if p.text.startswith("图")]
    assert captions == ["图1　案卷评查等次分布", "图2　各机构立案数和罚款金额", "图3　各月立案数和罚款金额"]
    supervision = docx_tables(content)[3]
    assert supervision[0][-1] == "评查案卷数\n（宗）"
    assert supervision[-1][-1] == "12", "the total's case files reviewed"
    assert [row[-1] for row in supervision[1:]] == ["12", "0", "0", "12"]


def test_year_on_year_from_a_baseline_says_so(world: World) -> None:
    from reports.models import AnnualBaseline
    from tests.reports.test_selectors import add_cases

    add_cases(world, 4)
    AnnualBaseline.objects.create(organisation=world.district, year=YEAR - 1, cases_filed=4)
    text = whole_text(annual_report_docx(organisation=world.district, year=YEAR, now=GENERATED))
    assert "立案查处违法案件2件，同比下降50.0%" in text
    assert "同比基数采用2024年度已公布的数据。" in text


# --- charts: a CJK font, or a clear error ----------------------------------------------------------------------


def test_charts_draw_every_chinese_character_with_a_cjk_font() -> None:
    months = [{"month": m, "cases_filed": m % 4, "fines_total_wan": Decimal(m) / 3} for m in range(1, 13)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font" for a box
        images = [
            charts.monthly_chart(months=months),
            charts.organisations_chart(
                labels=["鼓楼区应急管理局", "台江区应急管理局"],
                cases=[12, 7],
                fines=[Decimal("30.50"), Decimal("8")],
            ),
            charts.grades_chart(by_grade={"优秀": 2, "不合格": 1}),
        ]
    assert all(image.startswith(b"\x89PNG") for image in images)
    assert "CJK" in charts.cjk_font_family()


def test_a_missing_cjk_font_is_a_clear_error_not_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "CJK_FAMILIES", ("某个不存在的字体",))
    monkeypatch.setattr(charts, "_fontconfig_files", lambda: [])
    charts.cjk_font_family.cache_clear()
    try:
        with pytest.raises(CJKFontMissing, match="fonts-noto-cjk"):
            charts.monthly_chart(months=[{"month": 1, "cases_filed": 1, "fines_total_wan": Decimal("1")}])
    finally:
        charts.cjk_font_family.cache_clear()


# --- the PDF, as LibreOffice renders it ------------------------------------------------------------------------


def to_pdf(content: bytes, folder: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is missing: run bash scripts/system-packages.sh"
    source = folder / "report.docx"
    source.write_bytes(content)
    # A profile of its own: two conversions at once (parallel test runs) would fight over one.
    profile = (folder / "lo-profile").as_uri()
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    pdf = folder / "report.pdf"
    assert done.returncode == 0 and pdf.exists(), f"soffice failed: {done.stdout}\n{done.stderr}"
    return pdf


def test_the_report_renders_to_pdf_with_chinese_text_and_figures(city_docx: bytes, tmp_path: Path) -> None:
    pdf = to_pdf(city_docx, tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    assert 3 <= pages <= 8, f"{pages} pages"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSerifCJK" in fonts and "NotoSansCJK" in fonts, fonts

    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    for sentence in CITY_SENTENCES:
        assert re.sub(r"\s+", "", sentence) in flat, f"not in the PDF: {sentence}"
    for cell in ("区应急管理局", "外区应急管理局", "合计", "14.53", "+384.3%", "66.7%", "60.0%"):
        assert cell in text
    assert re.search(r"—\s*1\s*—", text) and re.search(rf"—\s*{pages}\s*—", text), "page numbers at the foot"
    # Tofu would come out of pdftotext as U+FFFD or as nothing: the Chinese must be there as text.
    assert "\ufffd" not in text
    assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 1000
