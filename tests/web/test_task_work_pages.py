"""Task work on the pages: claiming keeps what was typed, putting back, handing over, comments on the case page."""
import json
import re

from ..factories import notifications


def _queued_acceptance(as_user) -> tuple[int, str]:
    case = as_user("handler").submit()
    return case["id"], as_user("reviewer").open_task(case["id"], "accept_submission")["id"]


def test_the_claim_button_submits_the_form_and_what_was_typed_becomes_the_draft(as_user, page_as):
    case_id, task_id = _queued_acceptance(as_user)
    reviewer = page_as("reviewer")
    html = reviewer.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'id="claim-task"' in html and 'form="json-form"' in html and f'formaction="/tasks/{task_id}/claim"' in html
    typed = {"result": "return", "missing_materials": ["听证笔录"]}
    response = reviewer.post(f"/tasks/{task_id}/claim", data={"data": json.dumps(typed, ensure_ascii=False)})
    assert response.status_code == 302
    html = reviewer.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'id="draft-note"' in html and "听证笔录" in html and 'id="claim-task"' not in html
    assert as_user("reviewer").open_task(case_id, "accept_submission")["assignee"]["full_name"] == "reviewer"


def test_put_back_and_hand_over_from_the_task_page(as_user, page_as):
    case_id, task_id = _queued_acceptance(as_user)
    reviewer = page_as("reviewer")
    reviewer.post(f"/tasks/{task_id}/claim", data={"data": "{}"})
    html = reviewer.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'id="unclaim-task"' in html and 'id="hand-over-form"' in html and "转交" in html
    choices = re.findall(r'<option value="([^"]+)">', html.split('id="hand-over-assignee"')[1].split("</select>")[0])
    assert "reviewer2" in choices and not {"reviewer", "head", "handler"} & set(choices)  # eligible colleagues only
    assert reviewer.post(f"/tasks/{task_id}/unclaim").status_code == 302
    assert as_user("reviewer").open_task(case_id, "accept_submission")["assignee"] is None
    refused = reviewer.post(f"/tasks/{task_id}/hand-over", data={"assignee": "head", "reason": "出差"})
    assert refused.status_code == 302
    assert "未转交" in reviewer.get(f"/tasks/{task_id}").get_data(as_text=True)
    handed = reviewer.post(f"/tasks/{task_id}/hand-over", data={"assignee": "reviewer2", "reason": "出差"})
    assert handed.status_code == 302
    assert as_user("reviewer").open_task(case_id, "accept_submission")["assignee"]["full_name"] == "reviewer2"
    assert ("task.handed_over", case_id) in notifications(as_user("reviewer2"))


def test_a_comment_on_the_case_page_shows_for_everyone_and_in_the_history(as_user, page_as):
    case_id, _task_id = _queued_acceptance(as_user)
    handler = page_as("handler")
    assert handler.post(f"/cases/{case_id}/comments", data={"text": "听证笔录明日补交"}).status_code == 302
    html = page_as("reviewer").get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'id="comment-list"' in html and "听证笔录明日补交" in html and "评论" in html
    assert handler.post(f"/cases/{case_id}/comments", data={"text": ""}).status_code == 302
    assert "请填写评论（不超过2000字）" in handler.get(f"/cases/{case_id}").get_data(as_text=True)
