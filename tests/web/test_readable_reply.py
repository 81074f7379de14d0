"""The readable reply: what people wrote is shown in Chinese text on the case page, the round-2 review task
and the dispute task, and the history names every action and field (never raw JSON or codes)."""
import ast
import html as html_lib
import re
from pathlib import Path

from review_service.audit.vocabulary import EVENT_ACTIONS, EVENT_FIELDS

from ..factories import review

ROOT = Path(__file__).resolve().parents[2] / "review_service"
OBJECTION = "裁量适当，不同意审核意见"
SUMMARY = "已按审核意见将罚款调整为十二万元"
MINUTES = "双方就裁量基准协调，未达成一致"


def disputed_case(as_user) -> int:
    """Issues (round 1), correction, issues again (round 2), objection, coordination fails: the head settles."""
    handler, reviewer = as_user("handler"), as_user("reviewer")
    case_id = handler.submit()["id"]
    reviewer.complete(case_id, "accept_submission", {"result": "accept"})
    reviewer.complete(case_id, "review_case", review("issues"))
    handler.complete(case_id, "respond_to_opinion", {"action": "correct", "correction_summary": SUMMARY,
                                                     "updated": {"fine_amount": 120000}})
    reviewer.complete(case_id, "review_case", review("issues"))
    handler.complete(case_id, "respond_to_opinion", {"action": "disagree", "disagreement_reasons": OBJECTION})
    reviewer.complete(case_id, "record_coordination", {"outcome": "escalate", "minutes": MINUTES,
                                                       "participants": ["王审核", "张承办"]})
    return case_id


def text_of(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return html_lib.unescape(response.get_data(as_text=True))


def visible(html: str) -> str:
    """The text a reader sees: tags (and their attributes) removed."""
    return re.sub(r"<[^>]*>", " ", html)


def test_the_round_two_reviewer_reads_the_previous_opinion_and_the_reply(as_user, page_as):
    handler, reviewer = as_user("handler"), as_user("reviewer")
    case_id = handler.submit()["id"]
    reviewer.complete(case_id, "accept_submission", {"result": "accept"})
    reviewer.complete(case_id, "review_case", review("issues"))
    handler.complete(case_id, "respond_to_opinion", {"action": "correct", "correction_summary": SUMMARY,
                                                     "updated": {"fine_amount": 120000}})
    task = reviewer.open_task(case_id, "review_case")
    assert task["round"] == 2
    page = text_of(page_as(task["assignee"]["full_name"]).get(f"/tasks/{task['id']}"))
    exchange = page[page.index('id="previous-exchange"'):]
    assert "罚款数额超出裁量基准，建议调整" in exchange  # round 1's suggestion
    assert "整改情况说明" in exchange and SUMMARY in exchange  # the reply, by its form's title
    assert "按审核意见整改后重新送审" in exchange and "120000" in exchange
    assert "correction_summary" not in visible(page) and "'action'" not in visible(page)


def test_the_dispute_task_shows_the_opinion_and_the_objection_side_by_side(as_user, page_as):
    case_id = disputed_case(as_user)
    task = as_user("head").open_task(case_id, "settle_dispute")
    page = text_of(page_as("head").get(f"/tasks/{task['id']}"))
    dispute = page[page.index('id="dispute-exchange"'):]
    opinion, objection = dispute.index('id="dispute-opinion"'), dispute.index("dispute-objection")
    assert opinion < objection
    assert "存在问题" in dispute[opinion:objection] and "裁量过重" in dispute[opinion:objection]
    assert "异议理由" in dispute[objection:] and OBJECTION in dispute[objection:]
    assert "协调情况记录" in dispute and MINUTES in dispute


def test_the_case_page_shows_every_round_and_a_history_in_words(as_user, page_as):
    case_id = disputed_case(as_user)
    as_user("head").complete(case_id, "settle_dispute", {"method": "collective_discussion", "outcome": "correct",
                                                          "reasons": "经集体讨论，按审核意见整改",
                                                          "minutes": "局务会议讨论", "participants": ["甲", "乙"]})
    page = text_of(page_as("handler").get(f"/cases/{case_id}"))
    rounds = page[page.index('id="rounds"'):page.index('id="history"')]
    for text in (SUMMARY, OBJECTION, MINUTES, "经集体讨论，按审核意见整改", "局务会议讨论", "集体讨论记录",
                 "承办机构整改后重新送审"):
        assert text in rounds
    in_order = ('data-round="1"', SUMMARY, 'data-round="2"', OBJECTION)
    assert [rounds.index(text) for text in in_order] == sorted(rounds.index(text) for text in in_order)
    history = visible(page[page.index('id="history"'):page.index("</table>", page.index('id="history"'))])
    assert "{" not in history and "form" not in history  # no JSON
    for code in ("disagreement_reasons", "task.completed", "deadline.started", "review_required"):
        assert code not in history
    assert "异议理由" in history and "开始计时" in history and "须经法制审核" in history


def _actions_written_by_the_code() -> set[str]:
    """Every literal action the service writes: record_event(..., action="x"), {"action": "x"}, NO_ELIGIBLE-style
    constants, and deadline.{status} for each deadline status."""
    found = set()
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "action" and isinstance(node.value, ast.Constant):
                found.add(node.value.value)
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=False):
                    if isinstance(key, ast.Constant) and key.value == "action" and isinstance(value, ast.Constant):
                        found.add(value.value)
    found.add("assignment.no_eligible_reviewer")  # record_event(action=NO_ELIGIBLE)
    from review_service.deadlines.models import CANCELLED, MET, PAUSED, RUNNING
    found |= {f"deadline.{status}" for status in (RUNNING, PAUSED, MET, CANCELLED)}  # action=f"deadline.{status}"
    return {action for action in found if isinstance(action, str) and "." in action}


def test_every_event_type_written_by_the_code_has_a_chinese_name():
    actions = _actions_written_by_the_code()
    assert {"case.submitted", "task.completed", "deadline.started", "archive.package_built"} <= actions
    assert sorted(actions - set(EVENT_ACTIONS)) == []
    assert all(re.search(r"[\u4e00-\u9fff]", EVENT_ACTIONS[action]) for action in actions)


def test_every_event_of_a_long_case_has_a_name_and_every_fact_a_label(app, as_user):
    from review_service.audit.service import case_history
    from review_service.cases.history import HIDDEN_KEYS, readable_history
    case_id = disputed_case(as_user)
    with app.app_context():
        events = case_history(case_id)
        readable = readable_history(case_id, events)
    assert {e.action for e in events} <= set(EVENT_ACTIONS)
    for item in readable:
        for line in item.lines:
            assert re.search(r"[\u4e00-\u9fff]", line.label), (item.event.action, line.key)
    facts = {key for e in events for key in e.data if key not in ("form", *HIDDEN_KEYS)}
    assert sorted(facts - set(EVENT_FIELDS)) == []


def test_every_field_of_every_form_has_a_chinese_title():
    """readable_form names a field by its schema title: none may fall back to the field's key."""
    import json
    forms = Path(__file__).resolve().parents[2] / "forms"
    untitled = []

    def walk(node, path):
        for key, prop in node.get("properties", {}).items():
            if not re.search(r"[\u4e00-\u9fff]", prop.get("title", "")):
                untitled.append(f"{path}.{key}")
            walk(prop, f"{path}.{key}")
        items = node.get("items")
        if isinstance(items, dict):
            walk(items, f"{path}[]")
    for schema_file in sorted(forms.glob("*.schema.json")):
        walk(json.loads(schema_file.read_text(encoding="utf-8")), schema_file.name)
    assert untitled == []
