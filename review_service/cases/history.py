"""The case history in words: each event's name and its data as labelled Chinese lines (never JSON).

A completed step shows its form through the form's own titles (cases.readable); the other facts an event
carries are named by audit.vocabulary. Used by the case page and the archive's readable history.
"""
from dataclasses import dataclass

from sqlalchemy import select

from ..audit.models import CaseEvent
from ..audit.vocabulary import VALUE_NAMES, action_name, field_name
from ..extensions import db
from .models import Task
from .readable import Line, chinese_date, readable_form

HIDDEN_KEYS = ("id", "task_id", "deadline_id", "approval_task_id", "collective_discussion_task_id", "case_id",
               "agency_id", "staff_id", "notified_user_ids", "material_ids")  # internal ids: no meaning to a reader


@dataclass(frozen=True)
class ReadableEvent:
    event: CaseEvent
    name: str
    lines: list[Line]


def readable_history(case_id: int, events: list[CaseEvent]) -> list[ReadableEvent]:
    """Each event with its Chinese name and its data as lines, in the order given."""
    rows = db.session.execute(select(Task.id, Task.form_key).where(Task.case_id == case_id)).all()
    form_keys: dict[str | None, str] = dict(rows)
    return [ReadableEvent(event, _event_name(event), event_lines(event, form_keys.get(event.task_id)))
            for event in events]


def _event_name(event: CaseEvent) -> str:
    name = action_name(event.action)
    title = (event.data or {}).get("title")
    return f"{name}：{title}" if event.action == "task.completed" and title else name


def event_lines(event: CaseEvent, form_key: str | None) -> list[Line]:
    data = dict(event.data or {})
    lines = []
    if "form" in data:
        form = data.pop("form")
        lines += readable_form("case_submission" if event.action == "case.submitted" else form_key, form)
    data.pop("title", None)
    if event.action == "task.completed":
        data.pop("task", None)  # the step's BPMN id; its title names it
    for key, value in data.items():
        if key in HIDDEN_KEYS or value is None or value == [] or value == {}:
            continue
        lines.append(Line(key, field_name(key), fact_text(key, value)))
    return lines


def fact_text(key: str, value) -> str:  # noqa: PLR0911  (one return per kind of value)
    """An event fact as text: dates in Chinese, codes by name, people by name, lists joined."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        if "full_name" in value:
            return str(value["full_name"])
        if "text" in value:  # a gate reason
            return str(value["text"])
        return "；".join(f"{field_name(k)}：{fact_text(k, v)}" for k, v in value.items()
                        if k not in HIDDEN_KEYS and v not in (None, "", [], {}))
    if isinstance(value, list):
        value = [item for item in value if not (isinstance(item, dict) and item.get("matched") is False)]
        return "、".join(fact_text(key, item) for item in value) if all(
            not isinstance(item, dict) for item in value) else "\n".join(fact_text(key, item) for item in value)
    if isinstance(value, str) and (key.endswith("_on") or key == "cap_on"):
        return chinese_date(value)
    return str(VALUE_NAMES.get(value, value)) if isinstance(value, str) else str(value)
