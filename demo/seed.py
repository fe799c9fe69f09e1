"""演示数据 (`python manage.py seed_demo`): a city bureau with its districts and streets, people of
every role, a violation catalogue, a year of inspections, and about eighty cases in every state.

Everything is built through the services, exactly as people would do it through the UI or the API:
cases are created with ``workflow.services.case_create`` and moved by ``case_transition`` with each
step dated on the working day it would realistically happen (``now=``), so the history is a true,
hash-chained record and every guard of SPEC §4 is honoured (statement and hearing windows, seven
working days' notice of a hearing, verified audio/video before review, the 90-day decision clock …).

Idempotent: organisations, users and violation types are got-or-created; inspections and cases are
created only when none exist yet in the demo organisations. All dates lie in 2026 up to the reference
day ``DEMO_TODAY`` (the working-day calendar library covers 2026 but not 2027, so no case is filed
late enough for its 90-day clock to run into 2027).

Organisations (code, case-number prefix)::

    RC  榕城市应急管理局                  榕应急罚
    GL    榕城市鼓楼区应急管理局          鼓应急罚
    GD      榕城市鼓楼区鼓东街道办事处    鼓东应急罚
    WQ      榕城市鼓楼区温泉街道办事处    温泉应急罚
    TJ    榕城市台江区应急管理局          台应急罚   (check_every_case: every case gets a legal check)
    YZ      榕城市台江区瀛洲街道办事处    瀛洲应急罚
    HZ      榕城市台江区后洲街道办事处    后洲应急罚

Users — every password is ``settings.DEMO_PASSWORD``; ``<p>`` is ``rc``, ``gl`` or ``tj``::

    admin                      superuser, no organisation
    <p>_officer1 … <p>_officer4  执法人员 (officer)          — tj_officer4's 执法证 expired on 2025-12-31
    <p>_head                   承办机构负责人 (division_head)
    <p>_legal                  法制审核人员 (legal_reviewer)
    <p>_agency                 行政机关负责人 (agency_head)
    <p>_member1 … <p>_member5  案审委员会成员 (committee_member)
    <p>_reviewer               案卷评查人员 (casefile_reviewer)
    <p>_viewer                 统计/法制科 (report_viewer)
    <p>_admin                  系统管理员 (admin)
    gd_ / wq_ / yz_ / hz_officer1, _officer2, _head   the street offices' officers and division head

Street cases are checked by their district's legal reviewer and decided by its agency head.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, Q
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Certificate, Organisation, User
from accounts.policy import AvActivity
from accounts.roles import Role
from accounts.services import certificate_issue, organisation_create, user_create
from casefiles.catalogue.selectors import benchmark_level_for_fine
from casefiles.catalogue.starter import starter_catalogue_load
from casefiles.evidence import EvidenceMeta, evidence_upload
from casefiles.models import Case, CaseActivity, Evidence, Hearing, Inspection, Party, ViolationType
from casefiles.services import inspection_record, party_create
from casefiles.validators import credit_code_check_char, id_number_check_char
from core.errors import DomainError
from demo.review import demo_review_seed
from documents.services import document_generate
from law import periods
from law.calendar import add_calendar_days, add_working_days, is_working_day
from law.penalties import Penalty
from law.states import CaseState
from workflow import services

S = CaseState
YEAR = 2026
DEMO_TODAY = date(2026, 11, 20)  # a Friday; the demo must not run ahead of the real clock
# Filing starts the 90-day decision clock (Art. 60); filed after this day it would end in 2027,
# which the working-day calendar does not know yet.
LAST_FILING_DAY = date(2026, 9, 30)
CITY_CODE = "RC"
SUPERUSER = "admin"
CERTIFICATE_PERIOD = (date(2024, 1, 1), date(2028, 12, 31))
EXPIRED_CERTIFICATE = ("tj_officer4", date(2020, 6, 1), date(2025, 12, 31))


class DemoPlanError(RuntimeError):
    """A case script asked for something the services refused, or ran past the reference day."""


# --- organisations and people ----------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSpec:
    code: str
    name: str
    level: str
    prefix: str
    parent: str | None
    area: str  # 行政区划代码, used in the parties' credit codes and ID numbers
    settings: dict[str, Any] = field(default_factory=dict)


ORGANISATIONS: tuple[OrgSpec, ...] = (
    OrgSpec("RC", "榕城市应急管理局", Organisation.Level.CITY, "榕应急罚", None, "350100"),
    OrgSpec("GL", "榕城市鼓楼区应急管理局", Organisation.Level.DISTRICT, "鼓应急罚", "RC", "350102"),
    OrgSpec(
        "TJ",
        "榕城市台江区应急管理局",
        Organisation.Level.DISTRICT,
        "台应急罚",
        "RC",
        "350103",
        {"check_every_case": True},
    ),
    OrgSpec("GD", "榕城市鼓楼区鼓东街道办事处", Organisation.Level.STREET, "鼓东应急罚", "GL", "350102"),
    OrgSpec("WQ", "榕城市鼓楼区温泉街道办事处", Organisation.Level.STREET, "温泉应急罚", "GL", "350102"),
    OrgSpec("YZ", "榕城市台江区瀛洲街道办事处", Organisation.Level.STREET, "瀛洲应急罚", "TJ", "350103"),
    OrgSpec("HZ", "榕城市台江区后洲街道办事处", Organisation.Level.STREET, "后洲应急罚", "TJ", "350103"),
)
ORG_BY_CODE = {spec.code: spec for spec in ORGANISATIONS}

# (username suffix, roles, holds an enforcement certificate)
BUREAU_STAFF: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    *((f"officer{n}", (Role.OFFICER,), True) for n in range(1, 5)),
    ("head", (Role.DIVISION_HEAD,), True),
    ("legal", (Role.LEGAL_REVIEWER,), True),
    ("agency", (Role.AGENCY_HEAD,), True),
    *((f"member{n}", (Role.COMMITTEE_MEMBER,), False) for n in range(1, 6)),
    ("reviewer", (Role.CASEFILE_REVIEWER,), False),
    ("viewer", (Role.REPORT_VIEWER,), False),
    ("admin", (Role.ADMIN,), False),
)
STREET_STAFF: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("officer1", (Role.OFFICER,), True),
    ("officer2", (Role.OFFICER,), True),
    ("head", (Role.DIVISION_HEAD,), True),
)

# fmt: off
_SURNAMES = "陈林黄张李王吴刘蔡杨郑许何郭谢罗周江游叶"
_GIVEN = (
    "建华", "志强", "丽娟", "明辉", "秀英", "国平", "海燕", "文斌", "晓东", "雪梅",
    "振宇", "丽萍", "俊杰", "淑珍", "宏伟", "春生", "晓玲", "永福", "思远", "佳慧",
    "德明", "锦涛", "美琴", "立新", "秋菊", "少华", "小燕", "炳坤", "雅琴", "家豪",
)
# fmt: on


def _full_names() -> Iterator[str]:
    # Distinct, and the same on every run: a username always gets the same name.
    pairs = [surname + given for surname in _SURNAMES for given in _GIVEN]
    random.Random(YEAR).shuffle(pairs)
    return iter(pairs)


def _staff(spec: OrgSpec) -> tuple[tuple[str, tuple[str, ...], bool], ...]:
    return STREET_STAFF if spec.level == Organisation.Level.STREET else BUREAU_STAFF


def demo_usernames() -> list[str]:
    """Every username seed_demo creates."""
    names = [SUPERUSER]
    for spec in ORGANISATIONS:
        names += [f"{spec.code.lower()}_{suffix}" for suffix, _, _ in _staff(spec)]
    return names


def _usernames_help() -> str:
    lines = [f"  {SUPERUSER:<30}超级用户（不属于任何机构）"]
    for spec in ORGANISATIONS:
        every = "，所有案件均须法制审核" if spec.settings.get("check_every_case") else ""
        lines.append(f"  {spec.code} {spec.name}（案号前缀 {spec.prefix}{every}）")
        groups: dict[tuple[str, ...], list[str]] = {}
        for suffix, roles, _ in _staff(spec):
            groups.setdefault(roles, []).append(f"{spec.code.lower()}_{suffix}")
        for roles, names in groups.items():
            shown = names[0] if len(names) == 1 else f"{names[0]} … {names[-1]}"
            lines.append(f"    {shown:<28}{'、'.join(Role(r).label for r in roles)}")
    lines.append(f"  {EXPIRED_CERTIFICATE[0]} 的执法证已于 {EXPIRED_CERTIFICATE[2]:%Y-%m-%d} 过期。")
    return "\n".join(lines)


USERNAMES_HELP = _usernames_help()


# --- the violation catalogue (安全生产法 2021 and two rules made under it) ------------------------------

# The demo's case plans name violations by short codes; the catalogue entries they stand for come
# from the starter catalogue (casefiles/data/violation_catalogue.json, loaded like any bureau's).
CATALOGUE_CODES: dict[str, str] = {
    "AQ-01": "AQ-001",  # 未按规定对从业人员进行安全生产教育和培训
    "AQ-02": "AQ-007",  # 特种作业人员未取得相应资格上岗作业
    "AQ-03": "AQ-008",
    "AQ-04": "AQ-009",
    "AQ-05": "AQ-012",
    "AQ-06": "AQ-019",
    "AQ-07": "AQ-023",
    "AQ-08": "AQ-006",
    "AQ-09": "AQ-024",
    "AQ-10": "AQ-028",
    "AQ-11": "AQ-018",
    "AQ-12": "AQ-029",
}

# --- parties -------------------------------------------------------------------------------------------

# key → (name, 行政区划, 法定代表人, 地址)
ENTITIES: dict[str, tuple[str, str, str, str]] = {
    "鑫源化工": ("榕城鑫源化工贸易有限公司", "350102", "陈志远", "鼓楼区湖东路168号"),
    "坊巷餐饮": ("榕城三坊七巷餐饮管理有限公司", "350102", "林晓峰", "鼓楼区南后街56号"),
    "东街百货": ("榕城东街口百货有限公司", "350102", "黄国荣", "鼓楼区八一七北路88号"),
    "温泉酒店": ("榕城温泉大酒店有限公司", "350102", "王建国", "鼓楼区五四路218号"),
    "闽都建安": ("榕城闽都建筑安装工程有限公司", "350102", "郑海波", "鼓楼区铜盘路29号"),
    "五四北物业": ("榕城五四北物业管理有限公司", "350102", "吴丽芳", "鼓楼区五四北路399号"),
    "华林加油站": ("榕城华林石化加油站有限公司", "350102", "刘宏", "鼓楼区华林路102号"),
    "屏山印刷": ("榕城屏山印刷有限公司", "350102", "蔡明亮", "鼓楼区屏山路12号"),
    "西湖游乐": ("榕城西湖游乐有限公司", "350102", "杨帆", "鼓楼区湖滨路70号"),
    "湖东机械": ("榕城湖东机械制造有限公司", "350102", "许文忠", "鼓楼区湖东路276号"),
    "铜盘冷链": ("榕城铜盘冷链物流有限公司", "350102", "何建平", "鼓楼区铜盘路118号"),
    "乌山电梯": ("榕城乌山电梯工程有限公司", "350102", "郭振华", "鼓楼区乌山路66号"),
    "福新燃气": ("榕城福新燃气有限公司", "350102", "谢天明", "鼓楼区福新路9号"),
    "江滨商管": ("榕城江滨商业管理有限公司", "350103", "陈美华", "台江区江滨中大道363号"),
    "上下杭文旅": ("榕城上下杭文化旅游发展有限公司", "350103", "林国栋", "台江区隆平路20号"),
    "瀛洲五金": ("榕城瀛洲五金机电有限公司", "350103", "黄德才", "台江区瀛洲路45号"),
    "达道纺织": ("榕城达道纺织品有限公司", "350103", "张玉兰", "台江区达道路112号"),
    "闽江港务": ("榕城闽江港务物流有限公司", "350103", "李海龙", "台江区江滨西大道8号"),
    "宁化食品": ("榕城宁化食品加工有限公司", "350103", "王秀珍", "台江区宁化路77号"),
    "茶亭金属": ("榕城茶亭金属制品有限公司", "350103", "吴志坚", "台江区茶亭街156号"),
    "义洲烟花": ("榕城义洲烟花爆竹批发有限公司", "350103", "刘金福", "台江区义洲路31号"),
    "鳌峰危化": ("榕城鳌峰危险化学品仓储有限公司", "350103", "蔡永强", "台江区鳌峰路200号"),
    "苍霞酒店": ("榕城苍霞酒店管理有限公司", "350103", "杨丽", "台江区苍霞路18号"),
    "后洲建材": ("榕城后洲建材有限公司", "350103", "郑宝华", "台江区后洲路63号"),
    "新港粮油": ("榕城新港粮油有限公司", "350103", "许丽娟", "台江区新港路90号"),
    "城建三公司": ("榕城市城建集团第三工程有限公司", "350100", "陈立新", "榕城市晋安区福新东路1号"),
    "榕化石化": ("榕城榕化石化股份有限公司", "350100", "林振声", "榕城市马尾区江滨东大道100号"),
    "海峡冷链": ("榕城海峡冷链仓储有限公司", "350100", "黄启明", "榕城市仓山区建新北路88号"),
    "闽发钢铁": ("榕城闽发钢铁有限公司", "350100", "郑国雄", "榕城市长乐区滨海工业区1号"),
    "东南燃气": ("榕城东南燃气集团有限公司", "350100", "何志诚", "榕城市晋安区岳峰路26号"),
}

# name → (行政区划, birth date, male)
INDIVIDUALS: dict[str, tuple[str, date, bool]] = {
    "陈建华": ("350102", date(1972, 5, 14), True),
    "林秀英": ("350102", date(1980, 9, 2), False),
    "黄志明": ("350103", date(1985, 3, 21), True),
    "郑国强": ("350102", date(1978, 11, 30), True),
    "吴德福": ("350103", date(1969, 7, 8), True),
    "王丽华": ("350103", date(1988, 1, 15), False),
    "刘海涛": ("350102", date(1983, 6, 19), True),
    "张美玲": ("350103", date(1991, 4, 3), False),
    "李振东": ("350103", date(1976, 12, 25), True),
    "何金水": ("350102", date(1965, 2, 11), True),
}


def demo_credit_code(area: str, n: int) -> str:
    """A valid 统一社会信用代码: 9 (市场监管) 1 (企业), the area, an organisation code, the check char."""
    body = f"91{area}MA{n:07d}"
    return body + credit_code_check_char(body)


def demo_id_number(area: str, born: date, n: int, male: bool) -> str:
    """A valid 公民身份号码: area, birth date, an order code whose last digit is odd for men."""
    order = 2 * n + (1 if male else 0) + 10
    body = f"{area}{born:%Y%m%d}{order:03d}"
    return body + id_number_check_char(body)


# --- the cases -------------------------------------------------------------------------------------------

INSPECTION, COMPLAINT, REFERRAL, ACCIDENT = (
    Case.Origin.INSPECTION,
    Case.Origin.COMPLAINT,
    Case.Origin.REFERRAL,
    Case.Origin.ACCIDENT,
)
GENERAL, SUMMARY = Case.Procedure.GENERAL, Case.Procedure.SUMMARY


@dataclass(frozen=True)
class CasePlan:
    """One demo case: where it stops, and how it gets there."""

    org: str
    target: str
    start: str  # "MM-DD" of 2026: the inspection, complaint or accident that opens the case
    vt: str
    party: str  # a key of ENTITIES or INDIVIDUALS
    fine: int = 0
    warning: bool = False
    suspension: bool = False
    procedure: str = GENERAL
    origin: str = INSPECTION
    handlers: tuple[int, int] = (1, 2)
    decided_fine: int | None = None  # lighter than the notice after the party's statement or hearing
    no_penalty: bool = False  # 不予行政处罚 (e.g. first violation corrected in time, Art. 33)
    returns: tuple[str, ...] = ()  # "initial_review", "pre_notice", "pre_decision", in order
    hearing: bool = False
    waive: bool = False
    complex: bool = False
    delay: int = 0  # extra working days of investigation
    extend: bool = False
    service: str = Case.ServiceMethod.DIRECT
    publish: bool = True
    payment: str = "paid"  # paid | late | enforcement
    exit: str = ""  # reject | withdraw | police | agency
    persons: int = 0
    extras: tuple[str, ...] = ()  # reconsideration, reconsideration_pending, litigation, blacklist
    title: str = ""

    @property
    def start_date(self) -> date:
        month, day = map(int, self.start.split("-"))
        return date(YEAR, month, day)

    @property
    def label(self) -> str:
        return f"{self.org} {self.start} {self.party} → {self.target}"


def _plans() -> list[CasePlan]:
    P = CasePlan
    return [
        # 归档: complete files, the bulk of a year's work.
        P(
            "GL",
            S.ARCHIVED,
            "01-06",
            "AQ-01",
            "鑫源化工",
            fine=80000,
            returns=("pre_notice", "pre_notice"),
            extras=("reconsideration", "litigation"),
        ),
        P("GL", S.ARCHIVED, "01-13", "AQ-02", "闽都建安", fine=60000, decided_fine=50000, hearing=True),
        P("TJ", S.ARCHIVED, "02-02", "AQ-07", "义洲烟花", fine=50000, suspension=True),
        P(
            "RC",
            S.ARCHIVED,
            "02-09",
            "AQ-10",
            "闽发钢铁",
            fine=350000,
            origin=ACCIDENT,
            extras=("blacklist",),
            title="榕城闽发钢铁有限公司“2·9”一般机械伤害事故案",
        ),
        P("GL", S.ARCHIVED, "03-02", "AQ-09", "陈建华", fine=30000, origin=REFERRAL),
        P("TJ", S.ARCHIVED, "01-19", "AQ-03", "江滨商管", fine=8000),
        P("TJ", S.ARCHIVED, "03-16", "AQ-05", "达道纺织", fine=15000, returns=("pre_decision",)),
        P("GL", S.ARCHIVED, "02-24", "AQ-08", "温泉酒店", fine=20000, returns=("initial_review",)),
        P("GL", S.ARCHIVED, "04-07", "AQ-06", "屏山印刷", fine=10000, waive=True, service="leave"),
        P("GD", S.ARCHIVED, "03-09", "AQ-03", "东街百货", fine=5000, warning=True),
        P("YZ", S.ARCHIVED, "04-13", "AQ-06", "瀛洲五金", fine=6000),
        P(
            "RC",
            S.ARCHIVED,
            "05-11",
            "AQ-04",
            "榕化石化",
            fine=30000,
            complex=True,
            extras=("reconsideration_pending",),
        ),
        P("GL", S.ARCHIVED, "05-18", "AQ-12", "林秀英", warning=True, origin=COMPLAINT),
        P("TJ", S.ARCHIVED, "06-01", "AQ-01", "茶亭金属", fine=30000, payment="late"),
        P("GL", S.ARCHIVED, "04-20", "AQ-05", "湖东机械", warning=True, no_penalty=True),
        P("WQ", S.ARCHIVED, "06-15", "AQ-08", "五四北物业", fine=10000),
        P("GL", S.ARCHIVED, "01-20", "AQ-11", "坊巷餐饮", fine=2000, warning=True, procedure=SUMMARY),
        P("TJ", S.ARCHIVED, "02-26", "AQ-12", "黄志明", warning=True, procedure=SUMMARY),
        P("GD", S.ARCHIVED, "03-24", "AQ-12", "郑国强", fine=200, procedure=SUMMARY),
        P("RC", S.ARCHIVED, "05-07", "AQ-11", "海峡冷链", fine=3000, procedure=SUMMARY),
        P("HZ", S.ARCHIVED, "06-10", "AQ-03", "后洲建材", fine=1000, warning=True, procedure=SUMMARY),
        P("YZ", S.ARCHIVED, "07-14", "AQ-12", "吴德福", fine=100, warning=True, procedure=SUMMARY),
        # 结案
        P("GL", S.CLOSED, "06-22", "AQ-01", "铜盘冷链", fine=20000),
        P("TJ", S.CLOSED, "07-06", "AQ-08", "苍霞酒店", fine=12000),
        P("RC", S.CLOSED, "05-25", "AQ-02", "城建三公司", fine=100000, payment="enforcement"),
        P("GL", S.CLOSED, "08-18", "AQ-11", "华林加油站", fine=3000, procedure=SUMMARY),
        P("HZ", S.CLOSED, "07-20", "AQ-06", "新港粮油", fine=8000),
        P("TJ", S.CLOSED, "09-08", "AQ-12", "王丽华", fine=200, procedure=SUMMARY),
        # 执行
        P("GL", S.EXECUTING, "09-14", "AQ-05", "乌山电梯", fine=25000, delay=20),
        P("TJ", S.EXECUTING, "09-07", "AQ-04", "鳌峰危化", fine=40000, delay=20),
        P("WQ", S.EXECUTING, "11-10", "AQ-11", "西湖游乐", fine=2000, procedure=SUMMARY),
        P("GL", S.EXECUTING, "09-08", "AQ-12", "刘海涛", fine=3000, publish=False, delay=27),
        # Fine unpaid long after it fell due: what the overdue reminders are for.
        P("RC", S.EXECUTING, "06-29", "AQ-07", "东南燃气", fine=45000),
        # 已公示
        P("GL", S.PUBLISHED, "09-10", "AQ-03", "福新燃气", fine=9000, delay=22),
        P("TJ", S.PUBLISHED, "09-08", "AQ-01", "闽江港务", fine=50000, delay=15),
        P("GD", S.PUBLISHED, "09-01", "AQ-08", "坊巷餐饮", fine=5000, delay=33),
        # 已送达
        P("GL", S.SERVED, "09-14", "AQ-06", "屏山印刷", fine=12000, delay=25),
        P("TJ", S.SERVED, "09-07", "AQ-05", "宁化食品", fine=9000, delay=22),
        P("RC", S.SERVED, "11-12", "AQ-11", "榕化石化", fine=2500, procedure=SUMMARY),
        P("HZ", S.SERVED, "11-13", "AQ-12", "张美玲", fine=200, procedure=SUMMARY),
        # 已决定
        P("GL", S.DECIDED, "09-14", "AQ-01", "西湖游乐", fine=18000, delay=27),
        P("RC", S.DECIDED, "09-01", "AQ-02", "海峡冷链", fine=70000, delay=24),
        P("YZ", S.DECIDED, "09-21", "AQ-03", "上下杭文旅", fine=6000, delay=17),
        # 当场决定
        P("GL", S.ONSITE_DECIDED, "11-17", "AQ-11", "五四北物业", fine=3000, procedure=SUMMARY),
        P("TJ", S.ONSITE_DECIDED, "11-18", "AQ-12", "李振东", warning=True, procedure=SUMMARY),
        P("WQ", S.ONSITE_DECIDED, "11-19", "AQ-03", "温泉酒店", fine=1500, procedure=SUMMARY),
        # 待决定
        P("GL", S.PENDING_DECISION, "09-07", "AQ-08", "湖东机械", fine=15000, delay=25),
        P("TJ", S.PENDING_DECISION, "09-14", "AQ-06", "新港粮油", fine=20000, delay=18),
        P("GD", S.PENDING_DECISION, "09-22", "AQ-05", "东街百货", fine=8000, delay=15),
        # 集体讨论
        P("GL", S.DELIBERATION, "09-01", "AQ-02", "闽都建安", fine=90000, delay=20),
        P("TJ", S.DELIBERATION, "09-07", "AQ-07", "达道纺织", fine=40000, suspension=True, delay=15),
        # 决定前法制审核
        P("GL", S.PRE_DECISION_CHECK, "09-07", "AQ-01", "乌山电梯", fine=60000, delay=22),
        P("TJ", S.PRE_DECISION_CHECK, "09-15", "AQ-03", "苍霞酒店", fine=10000, delay=20),
        P("YZ", S.PRE_DECISION_CHECK, "09-16", "AQ-05", "瀛洲五金", fine=7000, delay=20),
        # 听证: requested and notified, the hearing itself is in December.
        P("RC", S.HEARING, "09-21", "AQ-04", "东南燃气", fine=150000, hearing=True, delay=25),
        # 告知
        P("GL", S.NOTICE, "09-21", "AQ-06", "铜盘冷链", fine=30000, delay=24),
        P("TJ", S.NOTICE, "09-22", "AQ-01", "鳌峰危化", fine=80000, delay=20),
        P("WQ", S.NOTICE, "09-23", "AQ-08", "西湖游乐", fine=6000, delay=25),
        # 告知前法制审核
        P("RC", S.PRE_NOTICE_CHECK, "09-24", "AQ-02", "城建三公司", fine=100000, delay=26),
        P("GL", S.PRE_NOTICE_CHECK, "09-25", "AQ-09", "何金水", fine=25000, origin=REFERRAL, delay=26),
        # 初审
        P("GL", S.INITIAL_REVIEW, "09-22", "AQ-05", "福新燃气", fine=10000, delay=30),
        P("TJ", S.INITIAL_REVIEW, "09-23", "AQ-03", "宁化食品", fine=12000, delay=28),
        P("HZ", S.INITIAL_REVIEW, "09-24", "AQ-06", "后洲建材", fine=5000, delay=30),
        # 调查取证
        P("GL", S.INVESTIGATING, "09-10", "AQ-01", "华林加油站", fine=20000, delay=20),
        P("TJ", S.INVESTIGATING, "09-16", "AQ-04", "闽江港务", delay=15),
        P(
            "RC",
            S.INVESTIGATING,
            "08-03",
            "AQ-10",
            "榕化石化",
            origin=ACCIDENT,
            delay=45,
            extend=True,
            title="榕城榕化石化股份有限公司“8·3”一般中毒窒息事故案",
        ),
        P("GD", S.INVESTIGATING, "09-24", "AQ-08", "坊巷餐饮", delay=10),
        P("GL", S.INVESTIGATING, "09-01", "AQ-03", "屏山印刷", fine=10000, returns=("initial_review",)),
        # 移送
        P(
            "GL",
            S.TRANSFERRED,
            "06-08",
            "AQ-10",
            "湖东机械",
            origin=ACCIDENT,
            exit="police",
            persons=2,
            title="榕城湖东机械制造有限公司“6·8”一般起重伤害事故案",
        ),
        P("TJ", S.TRANSFERRED, "09-09", "AQ-04", "江滨商管", origin=COMPLAINT, exit="agency"),
        # 撤销立案
        P("GL", S.WITHDRAWN, "04-27", "AQ-02", "铜盘冷链", origin=COMPLAINT, exit="withdraw"),
        P("YZ", S.WITHDRAWN, "07-01", "AQ-08", "上下杭文旅", origin=REFERRAL, exit="withdraw"),
        # 不予立案
        P("TJ", S.NOT_FILED, "10-19", "AQ-06", "茶亭金属", origin=COMPLAINT, exit="reject"),
        P("GL", S.NOT_FILED, "11-02", "AQ-03", "华林加油站", origin=REFERRAL, exit="reject"),
        # 立案审批
        P("GL", S.FILING_REVIEW, "11-16", "AQ-01", "乌山电梯"),
        P("TJ", S.FILING_REVIEW, "11-17", "AQ-07", "义洲烟花", origin=COMPLAINT),
        P("GD", S.FILING_REVIEW, "11-18", "AQ-06", "东街百货"),
        # 待立案 — tj_officer4's certificate has expired: submitting this one shows the guard.
        P("GL", S.DRAFT, "11-18", "AQ-05", "鑫源化工"),
        P("TJ", S.DRAFT, "11-19", "AQ-02", "闽江港务", handlers=(1, 4)),
        P("RC", S.DRAFT, "11-20", "AQ-04", "闽发钢铁", origin=COMPLAINT),
    ]


# Opinions as a reviewer would write them.
INITIAL_REVIEW_RETURN = (
    "调查取证不充分：缺少当事人营业执照复印件，现场检查笔录未经当事人签字确认，请补充调查。"
)
PRE_NOTICE_RETURNS = (
    "询问笔录未由被询问人逐页签字确认，证据形式存在瑕疵，请补正。",
    "拟处罚金额未说明裁量理由，请对照《安全生产行政处罚自由裁量基准》补充裁量说明。",
)
PRE_DECISION_RETURN = "当事人陈述申辩中提出已完成整改，承办人员未予核实，请补充核查后重新提交。"
APPROVE_OPINION = "事实清楚，证据确凿，适用法律正确，程序合法，处罚适当，同意。"


def _aware(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _workday_on_or_after(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


class _Clock:
    """Office hours on working days; never goes backwards, never past the reference day."""

    def __init__(self, start: date, rng: random.Random, label: str) -> None:
        self.rng = rng
        self.label = label
        self.day = _workday_on_or_after(start)
        self.minutes = 9 * 60 + rng.randrange(0, 60, 5)
        self._check()

    def _check(self) -> None:
        if self.day > DEMO_TODAY:
            raise DemoPlanError(f"{self.label}：步骤日期 {self.day} 晚于参考日期 {DEMO_TODAY}")

    @property
    def now(self) -> datetime:
        return _aware(self.day, self.minutes // 60, self.minutes % 60)

    def later(self, minutes: int = 25) -> datetime:
        self.minutes += minutes
        if self.minutes > 17 * 60 + 30:
            return self.after(1)
        return self.now

    def after(self, workdays: int) -> datetime:
        if workdays <= 0:
            return self.later()
        return self._start_day(add_working_days(self.day, workdays))

    def _start_day(self, day: date) -> datetime:
        self.day = day
        self.minutes = 9 * 60 + self.rng.randrange(0, 90, 5)
        self._check()
        return self.now

    def goto(self, day: date) -> datetime:
        """Move on to a given working day (or stay, a little later, if it is today or past)."""
        day = _workday_on_or_after(day)
        if day <= self.day:
            return self.later()
        return self._start_day(day)


@dataclass
class DemoSummary:
    created: bool
    organisations: int
    users: int
    violation_types: int
    inspections: int
    cases_by_state: dict[str, int]

    @property
    def cases(self) -> int:
        return sum(self.cases_by_state.values())

    def lines(self) -> list[str]:
        head = "已生成演示数据" if self.created else "演示数据已存在，未重复生成案件"
        states = "，".join(
            f"{label} {self.cases_by_state[code]}"
            for code, label in S.choices
            if self.cases_by_state.get(code)
        )
        return [
            f"{head}（参考日期 {DEMO_TODAY:%Y-%m-%d}）。",
            f"机构 {self.organisations} 个，用户 {self.users} 个，违法行为类型 {self.violation_types} 项，"
            f"执法检查 {self.inspections} 次。",
            f"案件 {self.cases} 件：{states}。",
            "用户名见 `python manage.py seed_demo --help`，密码为设置 DEMO_PASSWORD 的值。",
        ]


class _Seeder:
    def __init__(self) -> None:
        self.rng = random.Random(YEAR)
        self.orgs: dict[str, Organisation] = {}
        self.users: dict[str, User] = {}
        self.vts: dict[str, ViolationType] = {}
        self.parties: dict[str, Party] = {}
        self._password_hash: str | None = None

    # -- reference data --------------------------------------------------------------------------------

    def organisations(self) -> None:
        for spec in ORGANISATIONS:
            org = Organisation.objects.filter(code=spec.code).first()
            if org is None:
                org = organisation_create(
                    code=spec.code,
                    name=spec.name,
                    level=spec.level,
                    case_number_prefix=spec.prefix,
                    parent=self.orgs[spec.parent] if spec.parent else None,
                    **spec.settings,
                )
            self.orgs[spec.code] = org

    def people(self, password: str) -> None:
        names = _full_names()
        serial = 0
        for spec in ORGANISATIONS:
            for suffix, roles, certified in _staff(spec):
                serial += 1
                username = f"{spec.code.lower()}_{suffix}"
                full_name = next(names)
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = user_create(
                        username=username,
                        password=None,
                        full_name=full_name,
                        organisation=self.orgs[spec.code],
                        roles=roles,
                    )
                    user.password = self._hashed(password)
                    user.save(update_fields=["password"])
                if certified:
                    self._certificate(user, spec, serial)
                self.users[username] = user
        admin = User.objects.filter(username=SUPERUSER).first()
        if admin is None:
            admin = user_create(username=SUPERUSER, password=None, full_name="系统管理员", organisation=None)
            admin.password = self._hashed(password)
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["password", "is_staff", "is_superuser"])
        self.users[SUPERUSER] = admin

    def _hashed(self, password: str) -> str:
        # One PBKDF2 hash shared by every demo user: hashing it sixty times would add some twenty
        # seconds, and the demo password is published in the README anyway.
        if self._password_hash is None:
            self._password_hash = make_password(password)
        return self._password_hash

    def _certificate(self, user: User, spec: OrgSpec, serial: int) -> None:
        number = f"闽{spec.area}{serial:05d}"
        if Certificate.objects.filter(number=number).exists():
            return
        valid_from, valid_to = CERTIFICATE_PERIOD
        if user.username == EXPIRED_CERTIFICATE[0]:
            valid_from, valid_to = EXPIRED_CERTIFICATE[1:]
        certificate_issue(
            user=user, number=number, valid_from=valid_from, valid_to=valid_to, issued_by="福建省司法厅"
        )

    def violation_types(self) -> None:
        starter_catalogue_load()
        by_code = {vt.code: vt for vt in ViolationType.objects.filter(code__in=CATALOGUE_CODES.values())}
        self.vts = {short: by_code[code] for short, code in CATALOGUE_CODES.items()}

    def party(self, key: str) -> Party:
        if key not in self.parties:
            if key in ENTITIES:
                name, area, representative, address = ENTITIES[key]
                serial = list(ENTITIES).index(key) + 1
                self.parties[key] = party_create(
                    kind=Party.Kind.ENTITY,
                    name=name,
                    credit_code=demo_credit_code(area, 260000 + serial * 37),
                    legal_representative=representative,
                    address=f"榕城市{address}" if not address.startswith("榕城市") else address,
                    phone=f"0591-87{serial:02d}{serial * 37 % 10000:04d}",
                )
            else:
                area, born, male = INDIVIDUALS[key]
                serial = list(INDIVIDUALS).index(key)
                self.parties[key] = party_create(
                    kind=Party.Kind.INDIVIDUAL,
                    name=key,
                    id_number=demo_id_number(area, born, serial, male),
                    phone=f"138{serial:04d}{born:%m%d}",
                )
        return self.parties[key]

    # -- a year of work --------------------------------------------------------------------------------

    def exists(self) -> bool:
        orgs = list(self.orgs.values())
        return (
            Case.objects.filter(organisation__in=orgs).exists()
            or Inspection.objects.filter(organisation__in=orgs).exists()
        )

    def year_of_work(self) -> None:
        for plan in _plans():
            _CaseScript(self, plan).run()
        self.routine_inspections()

    def officers_of(self, code: str, numbers: Iterable[int]) -> list[User]:
        return [self.users[f"{code.lower()}_officer{n}"] for n in numbers]

    def inspect(
        self, code: str, party: Party, day: date, officers: list[User], violations: int, notes: str
    ) -> Inspection:
        return inspection_record(
            actor=officers[0],
            organisation=self.orgs[code],
            inspected_on=day,
            party=party,
            officers=officers,
            violations_found=violations,
            rectification_order=violations > 0,
            documents_issued=1 + (2 if violations else 0),
            notes=notes,
            now=_aware(day, 10, 0),
        )

    def routine_inspections(self) -> None:
        """Inspections that found nothing worth a case (or only what a rectification order fixes)."""
        by_area: dict[str, list[str]] = {}
        for key, (_, area, _, _) in ENTITIES.items():
            by_area.setdefault(area, []).append(key)
        for code, per_year in (("RC", 4), ("GL", 6), ("TJ", 6), ("GD", 2), ("WQ", 2), ("YZ", 2), ("HZ", 2)):
            spec = ORG_BY_CODE[code]
            for i in range(per_year):
                month = 1 + (i * 11) // per_year + self.rng.randint(0, 1)
                day = _workday_on_or_after(date(YEAR, min(month, 11), self.rng.randint(1, 25)))
                violations = self.rng.choice((0, 0, 1, 2, 3))
                notes = (
                    "现场检查未发现违法行为。"
                    if not violations
                    else f"发现事故隐患 {violations} 处，已下达责令限期整改指令书，逾期复查。"
                )
                party = self.party(self.rng.choice(by_area[spec.area]))
                self.inspect(code, party, day, self.officers_of(code, (1, 2)), violations, notes)

    # -- what the command reports -----------------------------------------------------------------------

    def summary(self, created: bool) -> DemoSummary:
        city = self.orgs[CITY_CODE]
        in_tree = Q(organisation__path__startswith=city.path)
        by_state = dict(
            Case.objects.filter(in_tree).values("state").annotate(n=Count("pk")).values_list("state", "n")
        )
        return DemoSummary(
            created=created,
            organisations=Organisation.objects.filter(path__startswith=city.path).count(),
            users=User.objects.filter(in_tree | Q(username=SUPERUSER)).count(),
            violation_types=ViolationType.objects.filter(active=True).count(),
            inspections=Inspection.objects.filter(in_tree).count(),
            cases_by_state=by_state,
        )


class _CaseScript:
    """Drives one case, step by step, through the services to the state its plan names."""

    def __init__(self, seeder: _Seeder, plan: CasePlan) -> None:
        self.s = seeder
        self.plan = plan
        self.rng = random.Random(f"{plan.org}{plan.start}{plan.party}")
        self.clock = _Clock(plan.start_date, self.rng, plan.label)
        self.returns = list(plan.returns)
        self.legal_returns = 0
        spec = ORG_BY_CODE[plan.org]
        bureau = spec.parent if spec.level == Organisation.Level.STREET else spec.code
        assert bureau is not None
        self.bureau = bureau.lower()  # whose legal reviewer, agency head and committee act
        self.org = seeder.orgs[plan.org]
        self.handlers = seeder.officers_of(plan.org, plan.handlers)
        self.lead = self.handlers[0]
        self.head = seeder.users[f"{plan.org.lower()}_head"]
        self.legal = seeder.users[f"{self.bureau}_legal"]
        self.agency = seeder.users[f"{self.bureau}_agency"]
        self.members = [seeder.users[f"{self.bureau}_member{n}"] for n in range(1, 6)]
        self.party = seeder.party(plan.party)
        self.vt = seeder.vts[plan.vt]
        self.case: Case

    # -- plumbing ----------------------------------------------------------------------------------------

    def fire(self, code: str, actor: User, when: datetime, **data: Any) -> None:
        try:
            self.case = services.case_transition(
                case_id=self.case.pk, transition=code, actor=actor, data=data, now=when
            )
        except DomainError as error:
            unmet = "；".join(r.message for r in error.reasons)
            raise DemoPlanError(f"{self.plan.label}：{code} 被拒绝：{error.detail} {unmet}") from error

    def stop(self, state: str) -> bool:
        """Whether the case has reached its plan's state (after any planned returns)."""
        return self.case.state == state == self.plan.target and not self.returns

    def take_return(self, stage: str) -> bool:
        if self.returns and self.returns[0] == stage:
            self.returns.pop(0)
            return True
        return False

    def recorded(self, kind: str, title: str, *, activity: CaseActivity | None = None) -> None:
        """An activity on the AV list with its body-camera video, uploaded and verified the same day."""
        when = self.clock.later(30)
        if activity is None:
            activity = services.activity_record(
                case_id=self.case.pk,
                actor=self.lead,
                kind=kind,
                occurred_at=when,
                place=self.party.address or self.org.name,
            )
        minutes = self.rng.randint(8, 55)
        captured = activity.occurred_at
        # Demo bytes stand in for the recording: small, but stored, hashed and verified for real.
        content = f"演示音像记录 case={self.case.pk} kind={kind} at={captured.isoformat()}".encode()
        evidence_upload(
            case_id=self.case.pk,
            actor=self.lead,
            stream=io.BytesIO(content),
            length=len(content),
            meta=EvidenceMeta(
                title=title,
                kind=Evidence.Kind.VIDEO,
                content_type="video/mp4",
                activity_id=activity.pk,
                captured_at=captured,
                device=f"执法记录仪 DSJ-{self.plan.org}{self.plan.handlers[0]:02d}",
                duration_seconds=minutes * 60,
                filename=f"{title}.mp4",
            ),
            now=self.clock.later(minutes + 30),
        )

    def document(self, title: str) -> None:
        pages = self.rng.randint(200_000, 2_000_000) // 100_000  # the same draws keep the demo's dates
        content = f"演示书证扫描件 case={self.case.pk} title={title} pages={pages}".encode()
        evidence_upload(
            case_id=self.case.pk,
            actor=self.lead,
            stream=io.BytesIO(content),
            length=len(content),
            meta=EvidenceMeta(
                title=title,
                kind=Evidence.Kind.DOCUMENT,
                content_type="application/pdf",
                filename=f"{title}.pdf",
            ),
            now=self.clock.later(20),
        )

    def write_up(self, doc_type: str, **data: Any) -> None:
        """The officer writes up his field work as its document (现场检查记录, 责令限期整改指令书, 询问笔录):
        closing the case needs them (documents.catalogue). The clock does not move (no random draw)."""
        document_generate(
            case_id=self.case.pk, actor=self.lead, doc_type=doc_type, data=data, now=self.clock.now
        )

    def penalty_data(self, *, decided: bool) -> dict[str, Any]:
        plan = self.plan
        if decided and plan.no_penalty:
            return {"decision_kind": Case.DecisionKind.NO_PENALTY}
        fine = plan.decided_fine if decided and plan.decided_fine is not None else plan.fine
        data: dict[str, Any] = {"warning": plan.warning, "suspension": plan.suspension}
        if fine:
            data["fine"] = str(fine)
        if decided:
            data["decision_kind"] = Case.DecisionKind.PENALTY
        return data

    def penalty_words(self) -> str:
        data = self.penalty_data(decided=True)
        if data["decision_kind"] == Case.DecisionKind.NO_PENALTY:
            return "不予行政处罚"
        return Penalty(
            warning=data["warning"], fine=Decimal(data.get("fine", 0)), suspension=data["suspension"]
        ).describe()

    # -- the script ----------------------------------------------------------------------------------------

    def run(self) -> Case:
        plan = self.plan
        inspection = None
        if plan.origin == INSPECTION:
            inspection = self.s.inspect(
                plan.org,
                self.party,
                self.clock.day,
                self.handlers,
                self.rng.randint(1, 4),
                f"现场检查发现：{self.vt.name}。",
            )
            if plan.procedure == GENERAL:
                self.clock.later(150)  # back at the office, the case is registered
        self.create(inspection)
        if plan.procedure == SUMMARY:
            self.summary_path()
        else:
            self.general_path()
        if self.case.state != plan.target:
            raise DemoPlanError(f"{plan.label}：停在了 {self.case.state}")
        self.aftermath()
        return self.case

    def create(self, inspection: Inspection | None) -> None:
        plan = self.plan
        day = self.clock.day
        found = {
            INSPECTION: "本局执法人员在执法检查中发现",
            COMPLAINT: "本局接到群众举报，经核查发现",
            REFERRAL: "本局收到有关部门移送的线索，经核查发现",
            ACCIDENT: "本局在事故调查中查明",
        }[plan.origin]
        who = "当事人" if self.party.kind == Party.Kind.INDIVIDUAL else "该单位"
        self.case = services.case_create(
            actor=self.lead,
            organisation=self.org,
            title=plan.title or f"{self.party.name}{self.vt.name}案",
            origin=plan.origin,
            procedure=plan.procedure,
            party=self.party,
            violation_type=self.vt,
            inspection=inspection,
            facts=f"{day.year}年{day.month}月{day.day}日，{found}{self.party.name}（{who}）{self.vt.name}。",
            officers=self.handlers,
            now=self.clock.later(60),
        )

    def summary_path(self) -> None:
        """简易程序 (Art. 51): decided and served on the spot, paid, archived."""
        self.recorded(AvActivity.ONSITE_INSPECTION, "现场检查执法记录仪视频")
        self.fire(
            "record_onsite_decision", self.lead, self.clock.later(20), **self.penalty_data(decided=False)
        )
        if self.stop(S.ONSITE_DECIDED):
            return
        served = self.clock.later(10)
        self.fire("serve_decision", self.lead, served, served_on=served.date(), method="direct")
        if self.stop(S.SERVED):
            return
        self.fire("start_execution", self.lead, self.clock.later(10))
        if self.stop(S.EXECUTING):
            return
        self.close()
        if self.stop(S.CLOSED):
            return
        self.fire("archive", self.head, self.clock.after(self.rng.randint(2, 5)))

    def general_path(self) -> None:
        plan = self.plan
        if self.stop(S.DRAFT):
            return
        self.fire("submit_filing", self.lead, self.clock.later(40))
        if self.stop(S.FILING_REVIEW):
            return
        if plan.exit == "reject":
            opinion = "经核查，反映的问题不属于本局管辖或证据不足，不予立案，已告知线索提供人。"
            self.fire("reject_filing", self.head, self.clock.after(self.rng.randint(1, 3)), opinion=opinion)
            return
        when = self.clock.after(1)
        if when.date() > LAST_FILING_DAY:
            raise DemoPlanError(f"{plan.label}：立案日期 {when.date()} 晚于 {LAST_FILING_DAY}")
        self.fire("approve_filing", self.head, when)
        rounds = 0
        while True:
            self.investigate(rounds)
            rounds += 1
            if self.stop(S.INVESTIGATING):
                return
            if plan.exit:
                self.leave_early()
                return
            self.fire("submit_review", self.lead, self.clock.after(1))
            if self.stop(S.INITIAL_REVIEW):
                return
            when = self.clock.after(self.rng.randint(1, 2))
            if self.take_return("initial_review"):
                self.fire("return", self.head, when, opinion=INITIAL_REVIEW_RETURN)
                continue
            self.fire(
                "approve", self.head, when, opinion="同意，报法制审核。" if self.case.is_major else "同意。"
            )
            if self.case.state == S.PRE_NOTICE_CHECK:
                if self.stop(S.PRE_NOTICE_CHECK):
                    return
                when = self.clock.after(self.rng.randint(2, 3))
                if self.take_return("pre_notice"):
                    opinion = PRE_NOTICE_RETURNS[self.legal_returns % len(PRE_NOTICE_RETURNS)]
                    self.fire("return", self.legal, when, opinion=opinion)
                    self.legal_returns += 1
                    continue
                self.fire("approve", self.legal, when, opinion=APPROVE_OPINION)
            if self.notice():
                return
            if self.case.state == S.PRE_DECISION_CHECK:
                if self.stop(S.PRE_DECISION_CHECK):
                    return
                when = self.clock.after(self.rng.randint(2, 3))
                if self.take_return("pre_decision"):
                    self.fire("return", self.legal, when, opinion=PRE_DECISION_RETURN)
                    continue
                self.fire("approve", self.legal, when, opinion=APPROVE_OPINION)
            break
        if self.stop(S.DELIBERATION) or self.stop(S.PENDING_DECISION):
            return
        if self.case.state == S.DELIBERATION:
            self.deliberate()
        else:
            self.fire("decide", self.agency, self.clock.after(2), **self.penalty_data(decided=True))
        if self.stop(S.DECIDED):
            return
        self.after_decision()

    def investigate(self, rounds: int) -> None:
        plan = self.plan
        if rounds == 0:
            self.clock.after(self.rng.randint(1, 3))
            self.recorded(AvActivity.INVESTIGATION, "现场调查取证执法记录仪视频")
            self.document("现场检查笔录、现场照片（扫描件）")
            inspection = self.case.inspection
            if inspection is not None:
                self.write_up("inspection_record")
                if inspection.rectification_order:
                    deadline = self.clock.day + timedelta(days=15)
                    self.write_up(
                        "rectification_order", items=f"{self.vt.name}。", deadline=deadline.isoformat()
                    )
            self.clock.after(self.rng.randint(2, 4))
            self.recorded(AvActivity.INQUIRY, "询问当事人同步录音录像")
            self.document("询问笔录（扫描件）")
            self.write_up("inquiry_record", content=f"问：请陈述有关情况。\n答：{self.vt.name}的情况属实。")
            if plan.delay:
                self.clock.after(plan.delay)
            if plan.extend:
                self.fire(
                    "extend_deadline",
                    self.agency,
                    self.clock.later(),
                    opinion="事故原因复杂，技术鉴定尚未完成，经负责人批准延长办案期限三十日。",
                )
            if plan.fine or plan.warning or plan.suspension:
                changes: dict[str, Any] = {
                    "proposed_penalty": Penalty(
                        warning=plan.warning, fine=Decimal(plan.fine), suspension=plan.suspension
                    )
                }
                if plan.complex:
                    changes["complex"] = True
                if plan.fine:
                    # The handlers choose the discretion level the fine falls in (自由裁量阶次).
                    level = benchmark_level_for_fine(
                        violation_type=self.case.violation_type,
                        on=timezone.localtime(self.case.filed_at or self.clock.now).date(),
                        fine=Decimal(plan.fine),
                    )
                    if level is not None:
                        changes["severity"] = level.severity
                services.case_update_details(
                    case_id=self.case.pk, actor=self.lead, changes=changes, now=self.clock.after(1)
                )
        else:
            # After a return: the missing evidence is collected and the file corrected.
            self.clock.after(self.rng.randint(2, 4))
            self.recorded(AvActivity.INQUIRY, "补充询问同步录音录像")
            self.document("补充调查材料（扫描件）")
            self.write_up("inquiry_record", content="问：对补充调查的事实有无异议？\n答：没有异议。")

    def leave_early(self) -> None:
        plan, when = self.plan, self.clock.after(self.rng.randint(1, 3))
        if plan.exit == "withdraw":
            opinion = "经调查，当事人已于检查前取得相应资格并完成整改，违法事实不能成立，撤销立案。"
            self.fire("withdraw", self.lead, when, opinion=opinion)
        elif plan.exit == "police":
            self.fire(
                "transfer",
                self.lead,
                when,
                authority_kind="police",
                authority_name=f"榕城市公安局{ORG_BY_CODE[plan.org].name[3:5]}分局",
                persons=plan.persons,
                opinion="经调查，事故相关责任人员涉嫌重大责任事故罪，依据《安全生产行政执法与刑事司法衔接"
                "工作办法》移送公安机关。",
            )
        else:
            self.fire(
                "transfer",
                self.lead,
                when,
                authority_kind="other",
                authority_name="榕城市台江区市场监督管理局",
                persons=0,
                opinion="经调查，举报反映的电梯安全问题属于特种设备安全监管职责，依法移送市场监督管理部门。",
            )

    def notice(self) -> bool:
        """告知: serve the notice, then hearing or statement. True when the case stops here."""
        plan = self.plan
        served = self.clock.after(self.rng.randint(1, 2)).date()
        self.fire("serve_notice", self.lead, self.clock.now, served_on=served, method="direct")
        if self.stop(S.NOTICE):
            return True
        if plan.hearing:
            requested = self.clock.goto(add_working_days(served, 2)).date()
            self.fire("request_hearing", self.lead, self.clock.later(), requested_on=requested)
            notified = self.clock.after(1).date()
            hearing_day = add_working_days(notified, 8)
            officer = next(
                u
                for u in self.s.officers_of(self.bureau, (3, 4, 1, 2))
                if u not in self.handlers and u.username != EXPIRED_CERTIFICATE[0]
            )
            self.fire(
                "schedule_hearing",
                self.lead,
                self.clock.later(),
                notified_on=notified,
                hearing_date=hearing_day,
                place=f"{self.org.name}三楼听证室",
                hearing_officer=officer.pk,
            )
            if self.stop(S.HEARING):
                return True
            self.clock.goto(hearing_day)
            activity = Hearing.objects.get(case_id=self.case.pk).activity
            self.recorded(AvActivity.HEARING, "听证会全程录像", activity=activity)
            self.fire(
                "hold_hearing",
                self.lead,
                self.clock.later(60),
                held_on=hearing_day,
                record="听证笔录：调查人员提出违法事实、证据和处罚建议，当事人进行申辩和质证……",
                report="当事人对违法事实无异议，提出已全面整改、首次违法，请求从轻处罚。"
                "听证主持人建议在告知的幅度内从轻处罚。",
            )
            return False
        if plan.waive:
            self.fire(
                "record_statement",
                self.lead,
                self.clock.later(90),
                statement_on=served,
                waived=True,
                statement="当事人书面表示放弃陈述、申辩和听证权利。",
            )
        else:
            said = self.clock.after(2).date()
            self.fire(
                "record_statement",
                self.lead,
                self.clock.now,
                statement_on=said,
                statement="当事人提出已于检查后立即整改，系初次违法，请求从轻处罚。",
            )
            # Past both the statement window (3 working days) and the hearing window (5).
            self.clock.goto(add_working_days(served, 6))
        self.fire("conclude_notice", self.lead, self.clock.later())
        return False

    def deliberate(self) -> None:
        held = self.clock.after(self.rng.randint(3, 5))
        absent = self.rng.randrange(len(self.members))
        present = [m for i, m in enumerate(self.members) if i != absent]
        votes = {str(m.pk): {"choice": "agree", "opinion": "同意承办机构意见。"} for m in present}
        votes[str(present[-1].pk)] = {"choice": "abstain", "opinion": "对裁量幅度保留意见。"}
        self.fire(
            "conclude",
            self.agency,
            self.clock.later(90),
            held_at=held,
            chair=self.agency.pk,
            attendees=[m.pk for m in present],
            votes=votes,
            minutes=f"案审委员会会议纪要：出席委员 {len(present)} 人，听取承办人员汇报和法制审核意见，"
            "逐一发表意见后表决。",
            conclusion=f"经集体讨论，决定对{self.party.name}{self.penalty_words()}。",
            **self.penalty_data(decided=True),
        )

    def after_decision(self) -> None:
        plan = self.plan
        served = self.clock.after(self.rng.randint(1, 3)).date()
        self.fire("serve_decision", self.lead, self.clock.now, served_on=served, method=plan.service)
        if plan.service in (Case.ServiceMethod.LEAVE, Case.ServiceMethod.ANNOUNCEMENT):
            kind = AvActivity.LEAVE_SERVICE if plan.service == "leave" else AvActivity.ANNOUNCEMENT_SERVICE
            activity = CaseActivity.objects.filter(case_id=self.case.pk, kind=kind).latest("occurred_at")
            self.recorded(kind, "留置送达过程录像", activity=activity)
        if self.stop(S.SERVED):
            return
        if plan.publish:
            published = self.clock.after(self.rng.randint(1, 2)).date()
            self.fire(
                "publish",
                self.lead,
                self.clock.now,
                published_on=published,
                channel="榕城市人民政府门户网站“行政执法公示”专栏",
            )
            if self.stop(S.PUBLISHED):
                return
            self.fire("start_execution", self.lead, self.clock.later(30))
        else:
            self.fire(
                "skip_publication",
                self.lead,
                self.clock.after(1),
                opinion="当事人为自然人，决定书载有个人隐私信息，依据《中华人民共和国政府信息公开条例》"
                "第十五条不予公开。",
            )
        if self.stop(S.EXECUTING):
            return
        self.close()
        if self.stop(S.CLOSED):
            return
        self.fire("archive", self.head, self.clock.after(self.rng.randint(3, 6)))

    def close(self) -> None:
        case, plan = self.case, self.plan
        fine = Penalty.from_json(case.decided_penalty).fine
        if not fine:
            self.fire("close", self.lead, self.clock.after(1), outcome="nothing_to_pay")
            return
        assert case.fine_due_on is not None and case.decision_served_on is not None
        if plan.payment == "enforcement":
            self.clock.goto(add_working_days(case.fine_due_on, 10))
            self.fire(
                "close",
                self.lead,
                self.clock.now,
                outcome="enforcement",
                opinion="当事人逾期未缴纳罚款，经催告仍不履行，已依法申请人民法院强制执行。",
            )
            return
        if plan.payment == "late":
            paid = _workday_on_or_after(case.fine_due_on + timedelta(days=8))
        elif plan.procedure == SUMMARY:
            paid = case.decision_served_on
        else:
            paid = add_calendar_days(case.decision_served_on, self.rng.randint(4, 12))
        paid = max(paid, self.clock.day)
        surcharge = periods.surcharge(fine=fine, due_on=case.fine_due_on, paid_on=paid)
        self.clock.goto(paid)
        self.fire(
            "close",
            self.lead,
            self.clock.later(),
            outcome="paid",
            paid_on=paid,
            paid_amount=str(fine + surcharge),
        )

    def aftermath(self) -> None:
        """What may follow a decision: 行政复议, 行政诉讼, 黑名单."""
        authority = "榕城市人民政府" if self.plan.org == "RC" else f"{self.org.name[:6]}人民政府"
        court = "榕城市鼓楼区人民法院" if self.plan.org != "TJ" else "榕城市台江区人民法院"
        for extra in self.plan.extras:
            if extra.startswith("reconsideration"):
                filed = self.clock.after(self.rng.randint(5, 10))
                reconsideration = services.reconsideration_record(
                    case_id=self.case.pk,
                    actor=self.legal,
                    filed_on=filed.date(),
                    authority=authority,
                    now=filed,
                )
                if extra == "reconsideration":
                    decided = self.clock.after(30)
                    services.reconsideration_decide(
                        reconsideration_id=reconsideration.pk,
                        actor=self.legal,
                        outcome="upheld",
                        decided_on=decided.date(),
                        now=decided,
                    )
            elif extra == "litigation":
                filed = self.clock.after(8)
                suit = services.litigation_record(
                    case_id=self.case.pk, actor=self.legal, filed_on=filed.date(), court=court, now=filed
                )
                judged = self.clock.after(40)
                services.litigation_decide(
                    litigation_id=suit.pk,
                    actor=self.legal,
                    outcome="won",
                    decided_on=judged.date(),
                    now=judged,
                )
            elif extra == "blacklist":
                listed = self.clock.after(5)
                services.blacklist_add(
                    case_id=self.case.pk,
                    actor=self.legal,
                    listed_on=listed.date(),
                    reason="对发生一般生产安全事故负有责任，依据《安全生产严重失信主体名单管理办法》"
                    "列入严重失信主体名单。",
                    now=listed,
                )


def demo_seed(*, password: str | None = None) -> DemoSummary:
    """Create the demo data unless it exists; return what is there afterwards."""
    seeder = _Seeder()
    # The archived demo cases' electronic case files are assembled when first opened, not here.
    with override_settings(DOCUMENTS_ASSEMBLE_ON_ARCHIVE=False), transaction.atomic():
        seeder.organisations()
        seeder.people(password or settings.DEMO_PASSWORD)
        seeder.violation_types()
        created = not seeder.exists()
        if created:
            seeder.year_of_work()
        demo_review_seed(
            organisations=seeder.orgs,
            users=seeder.users,
            password_hash=seeder._hashed(password or settings.DEMO_PASSWORD),
        )
    return seeder.summary(created)
