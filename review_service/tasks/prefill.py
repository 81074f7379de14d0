"""What a task's form starts with before anyone has typed (no draft, no refused post).

A form field names its source with `"x-prefill"` in its JSON Schema; the value comes from the case, so the
user confirms or edits it instead of typing it again (the decision text from the proposed decision, a date
as today). The server validates the submitted form as always: a prefilled value is only a suggestion.
"""
from collections.abc import Callable

from ..cases.models import Case
from ..china_time import today_in_china

PREFILL_SOURCES: dict[str, Callable[[Case], object]] = {
    "today": lambda case: today_in_china().isoformat(),
    "case.proposed_decision": lambda case: case.proposed_decision,
}


def prefilled_data(case: Case, schema: dict) -> dict:
    """{field: value} for the schema's top-level fields that name a source with a value."""
    data = {}
    for name, field in (schema.get("properties") or {}).items():
        source = PREFILL_SOURCES.get(field.get("x-prefill", ""))
        value = source(case) if source else None
        if value not in (None, ""):
            data[name] = value
    return data
