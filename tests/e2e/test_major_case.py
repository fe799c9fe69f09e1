"""One major case carried from the inspection to the archive through the pages alone, by each role in
turn, in headless Chromium against a live server: the filing, the investigation with a recorded
inquiry whose video is uploaded in chunks over a connection that drops once and then played back and
sought (HTTP Range, 206), a return by the legal reviewer with per-point opinions, the notice, a
hearing, the second legal check, a committee sitting with two cases on its agenda and each member's
vote, the decision, its service and publication, payment, closure and archiving — screenshots of the
main pages along the way."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.roles import Role
from casefiles.models import Case, CaseEvent, Evidence, LegalCheck
from tests.e2e.officials import FIXTURES, Official
from tests.factories import World, credit_code, user
from tests.review.factories import default_standard, reviewer
from tests.workflow.test_guards import to_deliberation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

RECORDING = FIXTURES / "recording.webm"
PART_SIZE = 64 * 1024  # the 170 KB recording goes up in three parts


@pytest.fixture
def e2e(settings, postgres_only, live_server, chromium, screenshots):  # type: ignore[no-untyped-def]
    settings.EVIDENCE_PART_SIZE = PART_SIZE
    world = World()
    world.viewer = user("report_viewer", world.district, Role.REPORT_VIEWER, certified=False)
    world.checker = reviewer(world.district, "checker")
    world.sysadmin = user("sysadmin", world.city, Role.ADMIN, certified=False)
    default_standard()  # loaded by a migration; a transactional test's flush removed it
    officials: dict[str, Official] = {}

    def desk(username: str, **options: object) -> Official:
        if username not in officials:
            officials[username] = Official(chromium, live_server.url, username, screenshots, **options)
        return officials[username]

    yield world, desk
    for official in officials.values():
        official.close()


def upload_recording(
    officer: Official, case_id: int, title: str, *, drop_part: int | None = None, reload_midway: bool = False
) -> int:
    """From the AV coverage list, upload the recording of the activity that lacks one. `drop_part`: that
    part's first PUT is cut off as a dropped connection would be, and the page retries it.
    `reload_midway`: the connection stays down after the first part and the officer reloads the page
    (as after closing the laptop); choosing the same file again resumes the same upload."""
    page = officer.page
    officer.open_case(case_id)
    officer.click_link("#evidence .coverage li.uncovered a")
    upload_page = page.url

    def fill_in() -> None:
        page.fill("#id_title", title)
        page.select_option("#id_kind", "video")
        page.fill("#id_device", "执法记录仪 DSJ-01")
        page.set_input_files("#id_file", str(RECORDING))

    fill_in()
    dropped: list[str] = []

    def cut(route):  # type: ignore[no-untyped-def]
        url = route.request.url
        if (drop_part and f"/parts/{drop_part}/" in url and not dropped) or (
            reload_midway and "/parts/1/" not in url
        ):
            dropped.append(url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/upload/parts/**", cut)
    page.click("#evidence-form button[type=submit]")
    if reload_midway:
        page.wait_for_selector("#upload-progress[data-state=retrying]", timeout=30_000)
        page.unroute("**/upload/parts/**")
        page.goto(upload_page)
        fill_in()
        page.click("#evidence-form button[type=submit]")
        page.wait_for_selector(
            "#upload-progress:has-text('发现未完成的上传'), #upload-progress[data-state=done]"
        )
    page.wait_for_selector("#upload-progress[data-state=done]", timeout=60_000)
    page.wait_for_url(f"**/cases/{case_id}/#evidence", timeout=30_000)
    if not reload_midway:
        page.unroute("**/upload/parts/**")
    assert bool(dropped) == bool(drop_part or reload_midway), "a part was cut off and sent again"
    evidence = Evidence.objects.filter(case_id=case_id, title=title).get()  # one record: the same upload
    assert evidence.status == Evidence.Status.VERIFIED
    return evidence.pk


def play_and_seek(officer: Official, case_id: int, evidence_id: int) -> None:
    page = officer.page
    answers: list[tuple[int, str, str]] = []
    page.on(
        "response",
        lambda r: (
            answers.append((r.status, r.request.headers.get("range", ""), r.headers.get("content-range", "")))
            if "/evidence-files/" in r.url
            else None
        ),
    )
    officer.open_case(case_id)
    page.click(f'button.play[data-evidence="{evidence_id}"]')
    page.wait_for_function("document.querySelector('#player video').readyState >= 1")
    duration = page.evaluate("document.querySelector('#player video').duration")
    assert 7.5 < duration < 8.5
    sought = page.evaluate(
        """() => new Promise(resolve => {
            const video = document.querySelector('#player video');
            video.addEventListener('seeked', () => resolve(video.currentTime), {once: true});
            video.currentTime = 6;
        })"""
    )
    assert abs(sought - 6) < 0.5
    # The media element asked with Range and the server answered 206 with the part it sent.
    assert any(status == 206 and asked.startswith("bytes=") and sent for status, asked, sent in answers), (
        answers
    )
    # And a range in the middle of the file is served exactly.
    middle = page.evaluate(
        """async () => {
            const response = await fetch(document.querySelector('#player video').currentSrc,
                                         {headers: {Range: 'bytes=100000-100999'}});
            return [response.status, response.headers.get('content-range'), (await response.arrayBuffer()).byteLength];
        }"""
    )
    assert middle == [206, f"bytes 100000-100999/{RECORDING.stat().st_size}", 1000]
    officer.shot("case-evidence-player", full_page=False)


def test_a_major_case_from_inspection_to_archive_through_the_pages(e2e) -> None:  # type: ignore[no-untyped-def]
    w, desk = e2e
    other = to_deliberation(w)  # another case waiting for the committee: the sitting takes two
    party_code = credit_code()

    # --- officer: the inspection, and a case opened from it ------------------------------------------
    officer = desk("officer1")
    assert "待我办理" in officer.text()
    officer.shot("home-officer")
    officer.click_link("text=登记执法检查")
    page = officer.page
    page.fill("#id_party_name", "鼓楼区恒达化工有限公司")
    page.fill("#id_party_credit_code", "91350100INVALID00")
    page.check(f'input[name=officers][value="{w.officer2.pk}"]')
    page.fill("#id_violations_found", "2")
    page.fill("#id_notes", "现场检查发现：新入职的 12 名从业人员未经安全生产教育和培训即上岗作业。")
    officer.submit("main form.card button.primary")
    assert "统一社会信用代码" in officer.text(".field-party_credit_code"), (
        "the check digit error is shown there"
    )
    officer.shot("inspection-form-error")
    page.fill("#id_party_credit_code", party_code)
    officer.submit("main form.card button.primary")
    assert "已登记执法检查" in officer.message()
    officer.shot("inspections")
    officer.click_link("table.inspections tr:has-text('恒达化工') a:has-text('立案')")
    page.fill("#id_title", "未按规定对从业人员进行安全生产教育和培训")
    page.select_option("#id_violation_type", str(w.vt.pk))
    officer.shot("case-form-from-inspection")
    officer.submit("main form.card button.primary")
    case = Case.objects.get(party__credit_code=party_code)
    assert case.inspection_id and set(case.officers.all()) == {w.officer1, w.officer2}
    assert officer.state() == "draft"
    officer.fire(case.pk, "submit_filing", fill={"#id_opinion": "拟立案调查"}, then="filing_review")

    # --- division head: approves the filing ------------------------------------------------------------
    head = desk("division_head")
    assert case.title in head.text("table.queue")
    head.shot("home-division-head")
    head.fire(case.pk, "approve_filing", then="investigating")
    case.refresh_from_db()
    assert case.number

    # --- officer: the investigation ---------------------------------------------------------------------
    officer.open_case(case.pk)
    officer.click_link("text=修改案情")
    page.fill("#id_fine", "-1")
    officer.submit("main form.card button.primary")
    assert "大于或等于0" in officer.text(".field-fine"), "a bad amount is refused next to its field"
    officer.shot("case-edit-error")
    page.fill("#id_fine", "80000")
    page.select_option("#id_severity", "serious")
    officer.submit("main form.card button.primary")
    assert "案情已保存" in officer.message()

    officer.click_link("text=登记执法活动")
    page.select_option("#id_kind", "inquiry")
    page.fill("#id_place", "恒达化工办公室")
    page.fill("#id_note", "询问安全管理负责人")
    officer.submit("main form.card button.primary")
    assert "缺音像记录" in officer.text("#evidence")
    assert "音像记录" in officer.blocked_reason("submit_review"), "blocked until the inquiry is recorded"
    inquiry_video = upload_recording(officer, case.pk, "询问安全管理负责人录像", drop_part=2)
    play_and_seek(officer, case.pk, inquiry_video)

    for code, fields in (
        ("inspection_record", {"place": "恒达化工生产车间", "content": "新入职 12 名从业人员在岗作业。"}),
        (
            "inquiry_record",
            {
                "interviewee": "王某",
                "relation": "安全管理负责人",
                "content": "问：新员工是否培训？答：没有。",
            },
        ),
    ):
        officer.open_case(case.pk)
        page.click(f"#make-{code} summary")
        for name, value in fields.items():
            page.fill(f"#id_{code}-{name}", value)
        officer.submit(f"#make-{code} button[type=submit]")
        assert "已生成" in officer.message()
    officer.shot("case-investigating")
    officer.fire(case.pk, "submit_review", then="initial_review")

    # --- division head: initial review; a major case goes to the legal check ----------------------------
    head.fire(case.pk, "approve", then="pre_notice_check")

    # --- legal reviewer: returns it with his opinion on the review points -------------------------------
    legal = desk("legal")
    assert case.number in legal.text("table.queue")
    legal.fire(
        case.pk,
        "return",
        fill={
            "#id_opinion": "询问笔录未载明被询问人身份信息，请补正后重新报审。",
            'textarea[name="point-facts_evidence-comment"]': "询问笔录缺被询问人身份证明",
            "#items_to_fix_text": "补充被询问人身份证明\n询问笔录由被询问人逐页签字",
        },
        select={'select[name="point-facts_evidence"]': "nonconforming"},
        shot="legal-check-return-form",
        then="investigating",
    )
    returned = LegalCheck.objects.get(case=case, outcome=LegalCheck.Outcome.RETURNED)
    assert returned.items_to_fix == ["补充被询问人身份证明", "询问笔录由被询问人逐页签字"]
    assert next(p for p in returned.points if p["code"] == "facts_evidence")["conclusion"] == "nonconforming"
    officer.open_case(case.pk)
    assert "退回 1 次" in officer.text(".diagram")
    assert "询问笔录未载明被询问人身份信息" in officer.text("#history")

    # --- officer resubmits; head and legal reviewer approve ---------------------------------------------
    officer.fire(case.pk, "submit_review", fill={"#id_opinion": "已补充身份证明并由被询问人签字"})
    head.fire(case.pk, "approve", then="pre_notice_check")

    def explain_failures(page):  # type: ignore[no-untyped-def]
        if page.query_selector(".points tr.finding-fail"):
            page.fill("#id_override_reason", "已核实，不影响处罚决定")

    def legal_approves(opinion: str, **step: str) -> None:
        legal.fire(case.pk, "approve", fill={"#id_opinion": opinion}, prepare=explain_failures, **step)

    legal_approves(
        "事实清楚，证据确凿，适用依据正确，同意告知。", shot="legal-check-approve-form", then="notice"
    )

    # --- officer: notice, the party asks for a hearing, the hearing --------------------------------------
    officer.fire(case.pk, "serve_notice", select={"#id_method": "direct"}, then="notice")
    assert "陈述申辩期" in officer.blocked_reason("conclude_notice"), "a blocked step says why"
    officer.shot("case-notice-blocked-step")
    officer.fire(case.pk, "request_hearing", then="hearing")
    officer.fire(
        case.pk,
        "schedule_hearing",
        fill={"#id_place": "区应急管理局三楼听证室"},
        select={"#id_hearing_officer": str(w.hearing_officer.pk)},
        then="hearing",
    )
    upload_recording(officer, case.pk, "听证会全程录像", reload_midway=True)
    officer.fire(
        case.pk,
        "hold_hearing",
        fill={
            "#id_record": "听证笔录：当事人对违法事实无异议，陈述已整改。",
            "#id_report": "当事人对违法事实无异议，请求从轻处罚；建议罚款六万元。",
        },
        shot="hearing-form",
        then="pre_decision_check",
    )
    legal_approves("程序合法，同意提交集体讨论。", then="deliberation")

    # --- agency head: one committee sitting, two cases, each concluded with its own votes ----------------
    agency = desk("agency_head")
    agency.goto("/meetings/")
    agency.click_link("text=登记案审会议")
    for member in w.members[:4]:
        agency.page.check(f'input[name=attendees][value="{member.pk}"]')
    for pk in (case.pk, other.pk):
        agency.page.check(f'input[name=cases][value="{pk}"]')
    agency.page.fill("#id_minutes", "2026年第5次案审会：审议恒达化工等 2 起案件。")
    agency.shot("meeting-form")
    agency.submit("main form.card button.primary")
    assert "已登记案审会议（2 个议题）" in agency.message()
    agency.shot("meetings")
    sitting = case.meetings.get()

    def votes(fine: str, choices: tuple[str, ...]):  # type: ignore[no-untyped-def]
        def prepare(page):  # type: ignore[no-untyped-def]
            page.select_option("#id_meeting", str(sitting.pk))
            for member, choice in zip(w.members[:4], choices, strict=True):
                page.select_option(f'select[name="vote-{member.pk}"]', choice)
                page.fill(
                    f'input[name="vote-{member.pk}-opinion"]', "同意" if choice == "agree" else "有保留"
                )
            page.fill("#id_fine", fine)

        return prepare

    def conclude(pk: int, conclusion: str, fine: str, choices: tuple[str, ...], **step: str) -> None:
        prepare = votes(fine, choices)
        agency.fire(
            pk, "conclude", fill={"#id_conclusion": conclusion}, prepare=prepare, then="decided", **step
        )

    conclude(
        case.pk,
        "经集体讨论，当事人如实陈述并已整改，决定罚款六万元。",
        "60000",
        ("agree", "agree", "agree", "abstain"),
        shot="deliberation-form",
    )
    conclude(other.pk, "同意按告知内容作出处罚决定。", "80000", ("agree", "agree", "disagree", "agree"))
    assert "出席 4/5 人" in agency.text("#deliberations")

    member = desk("member1")
    assert sitting.held_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d") in member.text()
    member.shot("home-committee-member")

    # --- officer: service, publication, payment, closure -----------------------------------------------
    officer.fire(case.pk, "serve_decision", select={"#id_method": "direct"}, then="served")
    officer.fire(case.pk, "publish", fill={"#id_channel": "鼓楼区人民政府门户网站"}, then="published")
    officer.fire(case.pk, "start_execution", then="executing")
    officer.fire(case.pk, "close", select={"#id_outcome": "paid"}, then="closed")

    # --- division head: archives; the electronic case file is assembled ---------------------------------
    head.fire(case.pk, "archive", then="archived", timeout=120_000)
    head.shot("case-archived")
    assert head.page.query_selector("#evidence button.play"), "the archived file still plays its recordings"
    casefile = head.page.request.get(f"{head.base_url}/cases/{case.pk}/casefile.pdf", timeout=120_000)
    assert casefile.status == 200 and casefile.headers["content-type"] == "application/pdf"
    assert casefile.body().startswith(b"%PDF")

    # --- the path the case took, as the history records it ----------------------------------------------
    case.refresh_from_db()
    assert case.state == "archived" and case.decided_fine == 60000 and case.is_major
    moved = [
        e.to_state for e in CaseEvent.objects.filter(case=case).order_by("seq") if e.from_state != e.to_state
    ]
    assert moved == [
        "draft",
        "filing_review",
        "investigating",
        "initial_review",
        "pre_notice_check",
        "investigating",
        "initial_review",
        "pre_notice_check",
        "notice",
        "hearing",
        "pre_decision_check",
        "deliberation",
        "decided",
        "served",
        "published",
        "executing",
        "closed",
        "archived",
    ]

    # --- case-file review: the agency head sets up a self-review of the year's closed files ------------
    agency.goto("/review/")
    agency.click_link("text=设立评查活动")
    agency.page.fill("#id_name", "本年度行政处罚案卷自查")
    agency.page.select_option("#id_kind", "self")
    agency.page.fill("#id_sample_percent", "100")
    agency.page.fill("#id_sample_min", "1")
    agency.page.check(f'input[name=reviewers][value="{w.checker.pk}"]')
    agency.shot("review-campaign-form")
    agency.submit("main form.card button.primary")
    agency.submit("text=随机抽取案卷")
    agency.submit("text=随机分配评查人员")
    assert case.number in agency.text("#sample")
    agency.shot("review-campaign-sampled")

    checker = desk("checker")
    checker.click_link("nav.mainnav a:has-text('案卷评查')")
    checker.click_link("table.my-sheets a:has-text('评分')")
    assert case.number in checker.text("h1")
    checker.page.wait_for_timeout(300)
    checker.shot("review-score-sheet-beside-the-file", full_page=False)
    while checker.page.query_selector("ul.suggestions li.suggestion-pending"):
        checker.page.fill("ul.suggestions li.suggestion-pending input[name=note]", "已核对，不扣分")
        checker.submit("ul.suggestions li.suggestion-pending form:has(input[name=note]) button")
    checker.page.click("#deduct summary")
    item = checker.page.eval_on_selector("#id_item", "select => select.options[0].value")
    checker.page.select_option("#id_item", item)
    checker.page.fill("#id_points_each", "")
    checker.page.fill("#id_reason", "询问笔录个别页未由被询问人签名")
    checker.submit("#deduct button.primary")
    if checker.page.query_selector("#deduct .errorlist"):  # a range item needs the points per place
        checker.page.fill("#id_points_each", "0.5")
        checker.page.fill("#id_reason", "询问笔录个别页未由被询问人签名")
        checker.submit("#deduct button.primary")
    assert "已记录扣分" in checker.message()
    checker.page.fill("#id_opinion", "案卷材料齐全，程序规范，个别文书签名不全。")
    checker.submit("button[name=submit-sheet]")
    assert "评查表已提交" in checker.message()
    checker.shot("review-score-sheet-submitted")
    agency.page.reload()
    assert "已完成评查" in agency.text("#results")
    agency.shot("review-results")

    # --- report viewer: the statistics; English on request ------------------------------------------
    viewer = desk("report_viewer")
    viewer.shot("home-report-viewer")
    if viewer.page.query_selector("nav.mainnav a:has-text('统计')"):
        viewer.click_link("nav.mainnav a:has-text('统计')")
        viewer.page.wait_for_timeout(500)
        viewer.shot("statistics-dashboard")
    viewer.goto("/cases/")
    viewer.page.select_option("#language", "en")
    viewer.page.wait_for_load_state()
    viewer.page.wait_for_selector("nav.mainnav >> text=Cases")
    assert "Workbench" in viewer.text("nav.mainnav")
    viewer.shot("cases-english")
    viewer.page.select_option("#language", "zh-hans")
    viewer.page.wait_for_selector("nav.mainnav >> text=案件")

    # --- the administrator sees the city's subtree, with the case among it -------------------------------
    admin = desk("sysadmin")
    admin.shot("home-admin")
    admin.goto(f"/cases/?q={case.number}")
    assert case.number in admin.text("table.case-list")

    # --- the main pages on a tablet ---------------------------------------------------------------------
    field = desk("officer2", viewport={"width": 768, "height": 1024})
    field.open_case(case.pk)
    field.shot("case-page-tablet")
    field.goto("/")
    field.shot("home-tablet", full_page=False)
