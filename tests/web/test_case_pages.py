"""The handler's, reviewer's and head's pages, driven with the Flask test client (browser tests: test_e2e_case)."""
import io
import json
import re

from ..factories import decision, review, submission


def submit_through_page(page, **overrides):
    return page.post("/cases/new", data={"data": json.dumps(submission(**overrides))})


def open_task_id(api, case_id, name):
    return api.open_task(case_id, name)["id"]


def case_under_review(as_user) -> tuple[int, str]:
    """A submitted and accepted case, and the id of its open review task."""
    case = as_user("handler").submit()
    reviewer_api = as_user("reviewer")
    reviewer_api.complete(case["id"], "accept_submission", {"result": "accept"})
    return case["id"], open_task_id(reviewer_api, case["id"], "review_case")


def test_submission_page_renders_the_form_schema(page_as):
    html = page_as("handler").get("/cases/new").get_data(as_text=True)
    assert "送审" in html and "case_number" in html  # the JSON Schema is in the page for the renderer


def test_submitting_a_case_through_the_page(page_as, as_user):
    response = submit_through_page(page_as("handler"))
    assert response.status_code == 302
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    case = as_user("handler").case(case_id)
    assert case["status"] == "awaiting_acceptance" and case["review_required"] is True


def test_invalid_submission_shows_field_errors_and_stores_nothing(page_as, as_user):
    response = submit_through_page(page_as("handler"), title="", fine_amount=-5)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-field="title"' in html and 'data-field="fine_amount"' in html
    assert "root.title" in html  # handed to json-editor to show beside the field
    assert as_user("handler").get("/api/v1/cases").get_json()["items"] == []


def test_unreadable_form_data_is_a_readable_error(page_as):
    response = page_as("handler").post("/cases/new", data={"data": "{not json"})
    assert response.status_code == 422
    assert "表单数据无法读取" in response.get_data(as_text=True)


def test_submission_page_is_for_handlers_only(page_as):
    assert page_as("reviewer").get("/cases/new").status_code == 403


def test_case_page_shows_facts_deadlines_and_history(page_as, as_user):
    case = as_user("handler").submit()
    html = page_as("handler").get(f"/cases/{case['id']}").get_data(as_text=True)
    assert "某公司销售不合格产品案" in html and "待受理" in html
    assert "记录完整" in html  # the history's hash chain was checked
    assert "送审" in html  # the history entry


def test_case_of_another_agency_is_not_found(page_as, as_user):
    case = as_user("handler").submit()
    response = page_as("other.handler").get(f"/cases/{case['id']}")
    assert response.status_code == 404 and "案件不存在" in response.get_data(as_text=True)


def test_case_diagram_data_for_the_viewer(page_as, as_user):
    case = as_user("handler").submit()
    diagram = page_as("handler").get(f"/cases/{case['id']}/diagram.json").get_json()
    assert "<bpmn:definitions" in diagram["bpmn_xml"] or "<definitions" in diagram["bpmn_xml"]
    assert diagram["current_task_ids"] == ["accept_submission"]


def test_review_checklist_page_and_field_errors(page_as, as_user):
    case_id, task_id = case_under_review(as_user)
    reviewer_api = as_user("reviewer")
    reviewer = page_as("reviewer")
    html = reviewer.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "执法程序是否合法" in html and 'name="checklist.procedure.verdict"' in html
    # issues found without any suggestion, and a point marked as a problem without a note
    response = reviewer.post(f"/tasks/{task_id}", data={
        "checklist.procedure.verdict": "issue", "opinion": "issues", "opinion_text": "存在问题"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-error-for="checklist.procedure.note"' in html and 'data-error-for="suggestions"' in html
    checked = re.findall(r'id="(checklist\.[a-z_]+\.[a-z_]+)" value="[a-z_]+"\s+checked>', html)
    assert checked == ["checklist.procedure.issue"]  # the answer given is kept, and only that one
    assert reviewer_api.case(case_id)["status"] == "under_review"


def test_review_checklist_completes_the_review(page_as, as_user):
    case_id, task_id = case_under_review(as_user)
    reviewer_api = as_user("reviewer")
    form = {f"checklist.{point}.verdict": item["verdict"] for point, item in review()["checklist"].items()}
    form.update({"checklist.legal_basis_and_discretion.verdict": "issue",
                 "checklist.legal_basis_and_discretion.note": "裁量过重",
                 "opinion": "issues", "opinion_text": "经审核，存在问题",
                 "lines:suggestions": "罚款数额超出裁量基准\n\n建议重新计算"})
    response = page_as("reviewer").post(f"/tasks/{task_id}", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    opinion = reviewer_api.case(case_id)["opinions"][0]
    assert opinion["opinion"] == "issues"
    assert opinion["suggestions"] == ["罚款数额超出裁量基准", "建议重新计算"]
    assert opinion["checklist"]["legal_basis_and_discretion"] == {"verdict": "issue", "note": "裁量过重"}


def test_draft_is_kept_for_its_author_only(page_as, as_user):
    case_id, task_id = case_under_review(as_user)
    reviewer_api = as_user("reviewer")
    reviewer = page_as("reviewer")
    response = reviewer.post(f"/tasks/{task_id}/draft", data={"opinion_text": "初步意见：事实基本清楚"})
    assert response.status_code == 302
    html = reviewer.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "初步意见：事实基本清楚" in html and 'id="draft-note"' in html
    assert reviewer_api.case(case_id)["status"] == "under_review"  # a draft completes nothing
    assert page_as("handler").post(f"/tasks/{task_id}/draft", data={"opinion_text": "x"}).status_code == 403


def test_head_records_the_decision_on_the_page(page_as, as_user):
    case = as_user("handler").submit()
    reviewer_api = as_user("reviewer")
    reviewer_api.complete(case["id"], "accept_submission", {"result": "accept"})
    reviewer_api.complete(case["id"], "review_case", review("approve"))
    head_api = as_user("head")
    task_id = open_task_id(head_api, case["id"], "record_decision")
    head = page_as("head")
    assert 'id="form-config"' in head.get(f"/tasks/{task_id}").get_data(as_text=True)
    response = head.post(f"/tasks/{task_id}", data={"data": json.dumps(decision())})
    assert response.status_code == 302
    assert head_api.case(case["id"])["status"] == "decided"


def test_completed_task_cannot_be_completed_again(page_as, as_user):
    case = as_user("handler").submit()
    reviewer_api = as_user("reviewer")
    task_id = open_task_id(reviewer_api, case["id"], "accept_submission")
    reviewer = page_as("reviewer")
    first = reviewer.post(f"/tasks/{task_id}", data={"data": json.dumps({"result": "accept"})})
    second = reviewer.post(f"/tasks/{task_id}", data={"data": json.dumps({"result": "accept"})})
    assert first.status_code == 302
    assert second.status_code == 409 and "task_not_open" in second.get_data(as_text=True)


def test_inbox_lists_open_tasks_and_done_lists_finished_ones(page_as, as_user):
    case = as_user("handler").submit(title="某超市销售过期食品案")
    reviewer = page_as("reviewer")
    assert "某超市销售过期食品案" in reviewer.get("/inbox").get_data(as_text=True)
    as_user("reviewer").complete(case["id"], "accept_submission", {"result": "accept"})
    assert "某超市销售过期食品案" in reviewer.get("/inbox/done").get_data(as_text=True)
    filtered = reviewer.get("/inbox?q=不存在的案号").get_data(as_text=True)
    assert "某超市销售过期食品案" not in filtered


def upload(page, content: bytes, filename: str):
    return page.client.post("/attachments", data={"file": (io.BytesIO(content), filename)},
                            headers={"X-CSRFToken": page.token})


def test_attachment_upload_and_download(page_as):
    handler = page_as("handler")
    response = upload(handler, "调查终结报告正文".encode(), "报告.txt")
    assert response.status_code == 201, response.get_data(as_text=True)
    attachment = response.get_json()
    download = handler.get(f"/attachments/{attachment['id']}")
    assert download.status_code == 200 and download.data == "调查终结报告正文".encode()
    assert page_as("other.handler").get(f"/attachments/{attachment['id']}").status_code == 404


def test_attachment_upload_refusal_is_json_for_the_page_script(page_as):
    response = upload(page_as("handler"), b"MZ\x90\x00binary", "a.exe")
    assert response.status_code == 422 and response.get_json()["error"]["code"].startswith("attachment_")


def test_upload_without_the_csrf_header_is_refused(page_as):
    handler = page_as("handler")
    response = handler.client.post("/attachments", data={"file": (io.BytesIO(b"text"), "a.txt")})
    assert response.status_code == 400
