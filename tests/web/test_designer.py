"""流程设计 pages: the agency's versions, downloads and diffs, the editor, validation and publishing."""
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from review_service.accounts.models import User
from review_service.agencies.models import Agency
from review_service.extensions import db
from review_service.processes.models import ProcessVersion
from review_service.processes.service import publish_version

from ..factories import browser_session, screenshot
from ..processes.overrides import GUANGDONG_PROFILE, default_bpmn, replace, upload

DEFAULT_PROFILE = json.loads((Path(__file__).resolve().parents[2] / "workflows" / "default" / "profile.json")
                             .read_text(encoding="utf-8"))


def profile_with(**time_limits) -> str:
    return json.dumps({**DEFAULT_PROFILE, "time_limits": time_limits}, ensure_ascii=False)


def publish_with_note(page, note: str) -> None:
    """Publish through the confirmation dialog, giving the change note."""
    page.click("#publish-button")
    page.locator("#publish-dialog.show #publish-note").fill(note)
    page.click("#publish-confirm")


def versions_of(app, code: str) -> list[SimpleNamespace]:
    """The agency's stored versions (number, sources, published_by_id), read straight from the database."""
    with app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.code == code))
        return [SimpleNamespace(number=v.number, sources=v.sources, published_by_id=v.published_by_id)
                for v in db.session.scalars(select(ProcessVersion).where(ProcessVersion.agency_id == agency.id)
                                            .order_by(ProcessVersion.number))]


def editor_data(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="designer-data">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_the_version_list_shows_number_publisher_files_and_the_current_one(as_user, page_as):
    upload(as_user("designer"), "city", {"profile.json": GUANGDONG_PROFILE})
    upload(as_user("designer"), "city", {"profile.json": {**GUANGDONG_PROFILE, "name": "第二版参数"}})
    response = page_as("designer").get("/designer")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "流程版本" in html and "第 1 版" in html and "第 2 版" in html
    current = re.search(r'<tr data-version="(\d+)" class="table-primary">', html)
    assert current and current.group(1) == "2" and "当前" in html
    assert "/designer/versions/1/profile.json" in html and "/designer/versions/2/legal_review.bpmn" in html
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", html)  # published at, in Chinese
    assert "<td>designer</td>" in html  # who published
    assert 'name="from"' in html  # two versions: they can be compared
    assert "审核时限（工作日）: 7" in html and "延长时限（工作日）: 3" in html  # the profile's time limits


def test_the_list_shows_which_version_running_cases_are_on(as_user, page_as):
    as_user("handler").submit()  # on the national default
    upload(as_user("designer"), "city", {"profile.json": GUANGDONG_PROFILE})
    as_user("handler").submit(case_number="市监罚〔2026〕2号")  # on the agency's version 1
    html = page_as("designer").get("/designer").get_data(as_text=True)
    running = html[html.index('id="running-table"'):]
    assert re.search(r"国家默认流程第 1 版\s*</td>\s*<td>1</td>", running)
    assert re.search(r"<tr><td>第 1 版\s*</td>\s*<td>1</td>", running)
    assert re.search(r'<tr data-version="1"[^>]*>.*?<td>1</td>\s*<td><span class="badge', html, re.S)


def test_a_file_of_a_version_downloads(as_user, page_as):
    upload(as_user("designer"), "city", {"profile.json": GUANGDONG_PROFILE})
    response = page_as("designer").get("/designer/versions/1/profile.json")
    assert response.status_code == 200 and response.headers["Content-Disposition"] == \
        "attachment; filename=\"v1-profile.json\"; filename*=UTF-8''v1-profile.json"
    assert json.loads(response.get_data(as_text=True))["time_limits"]["review_working_days"] == 7
    missing = page_as("designer").get("/designer/versions/1/nope.bpmn")
    assert missing.status_code == 404 and "没有文件" in missing.get_data(as_text=True)


def test_without_an_own_version_the_page_says_what_new_cases_use(page_as):
    html = page_as("designer").get("/designer").get_data(as_text=True)
    assert 'id="no-own-version"' in html and "国家默认流程" in html


def test_another_agencys_versions_are_invisible(app, page_as):
    with app.app_context():
        other = db.session.scalar(select(Agency).where(Agency.code == "other"))
        publish_version({"profile.json": json.dumps({**GUANGDONG_PROFILE, "name": "生态环境局参数"},
                                                    ensure_ascii=False).encode()}, agency_id=other.id)
        db.session.commit()
    designer = page_as("designer")
    html = designer.get("/designer").get_data(as_text=True)
    assert 'id="no-own-version"' in html and 'data-version="1"' not in html
    assert designer.get("/designer/versions/1/profile.json").status_code == 404
    assert "生态环境局参数" not in designer.get("/designer/editor").get_data(as_text=True)


def test_the_diff_page_shows_changed_lines_and_steps(as_user, page_as):
    def pretty(profile: dict) -> str:
        return json.dumps(profile, ensure_ascii=False, indent=2) + "\n"
    upload(as_user("designer"), "city", {"profile.json": pretty(GUANGDONG_PROFILE)})
    upload(as_user("designer"), "city", {"profile.json": pretty({**GUANGDONG_PROFILE, "name": "第二版参数"})})
    html = page_as("designer").get("/designer/diff?from=1&to=2").get_data(as_text=True)
    assert "第 1 版与第 2 版的差异" in html and "profile.json" in html and "第二版参数" in html
    assert re.search(r'<span class="diff-add">\+  &#34;name&#34;: &#34;第二版参数&#34;,</span>', html)
    missing = page_as("designer").get("/designer/diff?from=1&to=9")
    assert missing.status_code == 404 and "第 9 版" in missing.get_data(as_text=True)


@pytest.mark.parametrize("username", ["handler", "reviewer", "head", "admin", "supervisor"])
def test_only_designers_open_the_designer_pages(page_as, username):
    user = page_as(username)
    for path in ("/designer", "/designer/editor", "/designer/diff?from=1&to=2", "/designer/versions/1/profile.json"):
        assert user.get(path).status_code == 403, path
    response = user.post("/designer/publish", data={"bpmn": default_bpmn()})
    assert response.status_code == 403


def test_the_editor_starts_from_the_inherited_diagram_and_profile(page_as):
    response = page_as("designer").get("/designer/editor")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "流程编辑" in html and "国家默认流程" in html
    data = editor_data(html)
    assert data["bpmn"] == default_bpmn() and data["profile"] == DEFAULT_PROFILE
    review = data["profile_schema"]["properties"]["time_limits"]["properties"]["review_working_days"]
    assert review["title"] == "审核时限（工作日）" and review["default"] == 5  # from the diagram's set_time_limits
    assert review["description"] == "流程图中的默认值：5" and "description" not in data["profile_schema"]
    publication = data["profile_schema"]["properties"]["time_limits"]["properties"]["publication_working_days"]
    assert publication["description"] == "流程图中的默认值：行政处罚 7、行政许可 7"
    approver = data["profile_schema"]["properties"]["extension_approver"]
    assert approver["options"]["enum_titles"] == ["分管负责人", "机关负责人", "法制审核机构负责人"]
    term = data["profile_schema"]["properties"]["opinion_vocabulary"]["properties"]["approve"]
    assert "$ref" not in json.dumps(data["profile_schema"]) and term["required"] == ["label"]
    assert "bpmn-modeler.production.min.js" in html and "bpmn-js-zh.js" in html


def test_validation_lists_every_problem_of_a_broken_diagram_with_file_element_and_line(app, page_as):
    broken = replace(default_bpmn(), '<spiffworkflow:property name="formJsonSchemaFilename" '
                     'value="review_case.schema.json" />', "")
    response = page_as("designer").post("/designer/validate", data={"bpmn": broken, "profile": profile_with()})
    body = response.get_json()
    assert response.status_code == 200 and body["valid"] is False
    [problem] = [p for p in body["problems"] if p["element"] == "review_case"]
    assert problem["file"] == "legal_review.bpmn" and isinstance(problem["line"], int)
    assert "formJsonSchemaFilename" in problem["message"]
    assert versions_of(app, "city") == []  # nothing stored


def test_validation_of_a_sound_draft_stores_nothing(app, page_as):
    response = page_as("designer").post("/designer/validate",
                                        data={"bpmn": default_bpmn(), "profile": profile_with(review_working_days=8)})
    assert response.get_json() == {"valid": True, "problems": []}
    assert versions_of(app, "city") == []


def test_a_broken_profile_is_refused_with_its_json_path(app, page_as):
    response = page_as("designer").post("/designer/publish",
                                        data={"bpmn": default_bpmn(), "profile": profile_with(review_working_days=0),
                                              "note": "审核时限"})
    body = response.get_json()
    assert response.status_code == 422 and body["code"] == "process_invalid" and body["message"]
    assert [p["element"] for p in body["problems"]] == ["time_limits/review_working_days"]
    assert body["problems"][0]["file"] == "profile.json"
    assert versions_of(app, "city") == []


def test_publishing_creates_the_next_version_by_the_designer(app, page_as):
    designer = page_as("designer")
    response = designer.post("/designer/publish", data={"bpmn": default_bpmn(), "note": "审核时限改为 8 个工作日",
                                                        "profile": profile_with(review_working_days=8)})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"number": 1, "created": True, "redirect": "/designer"}
    [version] = versions_of(app, "city")
    assert json.loads(version.sources["profile.json"])["time_limits"] == {"review_working_days": 8}
    assert "catalog.json" in version.sources  # inherited from the version it replaces
    with app.app_context():
        assert version.published_by_id == db.session.scalar(select(User.id).where(User.username == "designer"))
    html = designer.get("/designer").get_data(as_text=True)
    assert "已发布第 1 版" in html and 'data-version="1"' in html
    again = designer.post("/designer/publish", data={"bpmn": default_bpmn(), "note": "再次发布",
                                                     "profile": profile_with(review_working_days=8)})
    assert again.get_json()["created"] is False and len(versions_of(app, "city")) == 1


def test_an_untouched_diagram_is_inherited_and_an_unchanged_draft_publishes_nothing(app, as_user, page_as):
    upload(as_user("designer"), "city", {"profile.json": GUANGDONG_PROFILE})
    designer = page_as("designer")
    same = json.dumps(GUANGDONG_PROFILE, ensure_ascii=False, indent=4)  # other whitespace, same content
    response = designer.post("/designer/publish", data={"profile": same, "note": "同样内容"})
    assert response.get_json()["created"] is False and len(versions_of(app, "city")) == 1
    assert "内容没有变化" in designer.get("/designer").get_data(as_text=True)
    changed = json.dumps({**GUANGDONG_PROFILE, "time_limits": {"review_working_days": 9}}, ensure_ascii=False)
    assert designer.post("/designer/publish", data={"profile": changed, "note": "9 日"}).get_json()["number"] == 2
    first, second = versions_of(app, "city")
    assert second.sources["legal_review.bpmn"] == first.sources["legal_review.bpmn"] == default_bpmn()


def test_an_empty_diagram_is_refused_with_a_message(app, page_as):
    response = page_as("designer").post("/designer/validate", data={"bpmn": "  "})
    assert response.status_code == 422 and response.get_json()["message"] == "流程图为空。"
    assert versions_of(app, "city") == []


def test_publishing_over_a_version_published_meanwhile_is_refused(app, as_user, page_as):
    designer = page_as("designer")
    opened = editor_data(designer.get("/designer/editor").get_data(as_text=True))["base_hash"]
    upload(as_user("designer"), "city", {"profile.json": GUANGDONG_PROFILE})
    response = designer.post("/designer/publish", data={"bpmn": default_bpmn(), "base_hash": opened, "note": "8 日",
                                                        "profile": profile_with(review_working_days=8)})
    assert response.status_code == 409 and "第 1 版" in response.get_json()["message"]
    assert len(versions_of(app, "city")) == 1


def test_a_post_without_the_csrf_token_is_refused(app, page_as):
    designer = page_as("designer")
    response = designer.client.post("/designer/publish", data={"bpmn": default_bpmn()})
    assert response.status_code == 400 and versions_of(app, "city") == []


def test_the_designer_pages_are_available_in_english(page_as):
    designer = page_as("designer")
    designer.post("/language", data={"lang": "en", "next": "/designer"})
    html = designer.get("/designer").get_data(as_text=True)
    assert "Process versions of" in html and "流程版本" not in html


def count_versions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ProcessVersion))


@pytest.mark.e2e
def test_a_designer_changes_the_review_period_validates_and_publishes(app, browser_page):
    page = browser_page
    browser_session(page, "designer", then="/designer")
    page.click("#open-editor")
    watermark = page.locator("#designer-canvas .bjs-powered-by")
    watermark.wait_for(state="visible")
    page.locator("#designer-canvas [data-element-id='review_case']").wait_for()
    assert page.locator(".djs-palette [aria-label='启动手动工具']").count() == 1  # Chinese labels (bpmn-js-i18n)
    assert page.evaluate("""() => {  // nothing of ours covers the watermark: it is the topmost element there
        const box = document.querySelector('#designer-canvas .bjs-powered-by').getBoundingClientRect();
        const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return document.querySelector('#designer-canvas .bjs-powered-by').contains(top);
    }""")
    field = page.locator("[name='root[time_limits][review_working_days]']")
    opt_in = page.locator("[data-schemapath='root.time_limits.review_working_days'] .json-editor-opt-in").first
    assert field.is_disabled()  # not in the profile: the diagram's default applies
    opt_in.check()
    assert field.input_value() == "5"  # ticked, it starts from the diagram's national default
    field.fill("8")
    field.dispatch_event("change")
    page.click("#validate-button")
    page.locator("#designer-message.alert-success").wait_for()
    assert "未发现问题" in page.inner_text("#designer-message")
    screenshot(page, "designer_editor")
    before = count_versions(app)
    publish_with_note(page, "审核时限改为 8 个工作日")
    page.wait_for_url(re.compile(r".*/designer$"))
    assert "已发布第 1 版" in page.inner_text("main")
    assert page.locator("#versions-table tr[data-version='1'] .current-version").is_visible()
    assert page.inner_text("#versions-table tr[data-version='1'] .time-limits") == "审核时限（工作日）: 8"
    screenshot(page, "designer_versions")
    [version] = versions_of(app, "city")
    assert count_versions(app) == before + 1
    assert json.loads(version.sources["profile.json"])["time_limits"]["review_working_days"] == 8
    assert page.js_errors == []


@pytest.mark.e2e
def test_the_editor_shows_the_servers_problems_and_publishes_nothing(app, browser_page):
    page = browser_page
    browser_session(page, "designer", then="/designer/editor")
    page.locator("#designer-canvas [data-element-id='review_case']").wait_for()
    page.evaluate("""() => {  // delete the review step's lane: the service routes on it
        const modeler = window.designerModeler;
        modeler.get('modeling').removeElements([modeler.get('elementRegistry').get('review_case')]);
    }""")
    page.click("#validate-button")
    page.locator("#designer-problems").wait_for()
    text = page.inner_text("#designer-problems")
    assert "legal_review.bpmn" in text and "taskKind=review_opinion" in text
    publish_with_note(page, "删除审核步骤")
    page.locator("#designer-message.alert-danger #designer-problems").wait_for()
    assert versions_of(app, "city") == [] and page.js_errors == []


@pytest.mark.e2e
def test_the_side_form_changes_a_steps_spiff_property(app, browser_page):
    page = browser_page
    browser_session(page, "designer", then="/designer/editor")
    page.locator("#designer-canvas [data-element-id='review_case']").click()
    page.click("#tab-properties")
    assert "review_case" in page.inner_text("#properties-of")
    reminder = page.locator("#designer-properties input[data-property='reminderWorkingDays']")
    assert reminder.input_value() == 'time_limits["reminder_working_days"]'
    reminder.fill("2")
    reminder.press("Tab")  # the change event
    page.select_option("#add-property-name", "deadlineStart")
    page.click("#add-property")
    page.locator("#designer-properties input[data-property='deadlineStart']").wait_for()
    exported = page.evaluate("async () => (await window.designerModeler.saveXML()).xml")
    assert '<spiffworkflow:property name="deadlineStart" value="" />' in exported
    page.locator("#designer-properties input[data-property='deadlineStart']").fill("today()")
    page.locator("#designer-properties input[data-property='deadlineStart']").press("Tab")
    publish_with_note(page, "提醒提前 2 个工作日")
    page.wait_for_url(re.compile(r".*/designer$"))
    [version] = versions_of(app, "city")
    review_task = version.sources["legal_review.bpmn"].split('id="review_case"', 1)[1].split("</bpmn:userTask>", 1)[0]
    assert '<spiffworkflow:property name="reminderWorkingDays" value="2" />' in review_task
    assert '<spiffworkflow:property name="deadlineStart" value="today()" />' in review_task
    assert page.js_errors == []


@pytest.mark.e2e
def test_a_designer_compares_two_versions(as_user, browser_page):
    pretty = lambda profile: json.dumps(profile, ensure_ascii=False, indent=2) + "\n"  # noqa: E731
    upload(as_user("designer"), "city", {"profile.json": pretty(GUANGDONG_PROFILE)})
    upload(as_user("designer"), "city", {"profile.json": pretty({**GUANGDONG_PROFILE, "time_limits": {
        "review_working_days": 10}})})
    page = browser_page
    browser_session(page, "designer", then="/designer")
    page.select_option("#diff-from", "1")
    page.select_option("#diff-to", "2")
    page.click("#diff-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/designer/diff\?from=1&to=2$"))
    page.click("#diff-files summary")
    added = page.locator("pre.diff[data-file='profile.json'] .diff-add")
    assert '"review_working_days": 10' in added.all_inner_texts()[0]
    screenshot(page, "designer_diff")
    assert page.js_errors == []


@pytest.mark.e2e
def test_leaving_the_editor_asks_only_when_something_was_changed(browser_page):
    page = browser_page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    browser_session(page, "designer", then=None)
    for change in (False, True):
        page.goto("/designer/editor")
        page.locator("#designer-canvas [data-element-id='review_case']").wait_for()
        name = page.locator("[name='root[name]']")
        name.wait_for()
        if change:
            name.fill("本局参数")
            name.press("Tab")
        page.click("text=返回版本列表")
        page.wait_for_url(re.compile(r".*/designer$"))
        assert dialogs == (["beforeunload"] if change else [])
