"""Form validation's fast path (cases/forms.py): jsonschema_rs may only skip jsonschema where both call the
data valid, and it is used only on forms without the keywords whose checks differ between the two."""
import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from review_service.cases.forms import _compiled, _valid_at_once, validate_form
from review_service.errors import InvalidInput

from ..factories import review

FORMS = Path(__file__).resolve().parents[2] / "forms"


def _variants(data: dict) -> list:
    """The data, and copies with one thing wrong or odd each: missing, extra, wrong type, empty, huge."""
    found = [data, {}, [], None, "text", 10**30, {**data, "surprise": 1}]
    for key, value in data.items():
        found.append({k: v for k, v in data.items() if k != key})
        for odd in (None, "", 0, 1.5, True, [], {}, "x" * 6000, -10**40, float("inf"), "\u3000"):
            found.append({**data, key: odd})
        if isinstance(value, dict):
            for inner in value:
                changed = copy.deepcopy(data)
                changed[key][inner] = {"verdict": "issue"}  # an issue without its note
                found.append(changed)
                changed = copy.deepcopy(data)
                changed[key][inner] = {"verdict": "pass", "note": ""}
                found.append(changed)
    return found


PAYLOADS = {"review_case": [review("approve"), review("issues"), review("transfer"), review("return")],
            "accept_submission": [{"result": "accept"}, {"result": "return", "missing_materials": ["调查终结报告"]}]}


@pytest.mark.parametrize("form", sorted(PAYLOADS))
def test_the_fast_path_never_calls_valid_what_jsonschema_refuses(form):
    schema = json.loads((FORMS / f"{form}.schema.json").read_text(encoding="utf-8"))
    compiled = _compiled(schema)
    assert compiled is not None  # these forms use none of the keywords that keep the fast path off
    full = Draft202012Validator(schema, format_checker=FormatChecker())
    checked = 0
    for payload in PAYLOADS[form]:
        for variant in _variants(payload):
            if _valid_at_once(compiled, variant):
                assert full.is_valid(variant), (form, variant)
            checked += 1
    assert checked > 40


def test_forms_with_formats_or_patterns_keep_jsonschema_alone():
    for name in ("case_submission", "record_decision", "publish_decision", "archive_case"):
        schema = json.loads((FORMS / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert _compiled(schema) is None, name


def test_refusals_are_worded_by_jsonschema_as_before(app):
    data = review("issues")
    del data["opinion_text"]
    data["checklist"]["procedure"] = {"verdict": "issue"}
    with app.app_context(), pytest.raises(InvalidInput) as refused:
        validate_form("review_case", data)
    assert "opinion_text" in refused.value.fields
    assert any(field.startswith("checklist.procedure") for field in refused.value.fields)
