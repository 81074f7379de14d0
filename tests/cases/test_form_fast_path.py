"""Form validation's fast path (cases/forms.py): jsonschema_rs may only skip jsonschema where both call the
data valid; it is used only on forms without the keywords whose checks differ between the two, and its formats
are jsonschema's own checkers."""
import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from review_service.cases.forms import _compiled, _valid_at_once, validate_form
from review_service.errors import InvalidInput

from ..factories import decision, review

FORMS = Path(__file__).resolve().parents[2] / "forms"


def _variants(data: dict) -> list:
    """The data, and copies with one thing wrong or odd each: missing, extra, wrong type, empty, huge."""
    found = [data, {}, [], None, "text", 10**30, {**data, "surprise": 1}]
    for key, value in data.items():
        found.append({k: v for k, v in data.items() if k != key})
        for odd in (None, "", 0, 1.5, True, [], {}, "x" * 6000, -10**40, float("inf"), "\u3000", *ODD_DATES):
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


ODD_DATES = ("2026-10-30", "0000-01-01", "2026-02-29", "2024-02-29", "2026-13-01", "2026-1-01", "2026-10-30\n",
             "２０２６-10-30", "2026-10-30T08:00:00+08:00", "20261030", "12345678-1234-5678-1234-567812345678")
PAYLOADS = {"review_case": [review("approve"), review("issues"), review("transfer"), review("return")],
            "accept_submission": [{"result": "accept"}, {"result": "return", "missing_materials": ["调查终结报告"]}],
            "record_decision": [decision()],
            "publish_decision": [{"published": True, "published_on": "2026-10-22",
                                  "platform": "国家企业信用信息公示系统"}],
            "archive_case": [{"archived_on": "2026-10-30", "archive_number": "2026-永久-001"}],
            "respond_to_opinion": [{"action": "correct", "correction_summary": "已按审核意见调整。",
                                    "updated": {"fine_amount": 100000, "proposed_decision": "罚款十万元。"}}]}
FORM_NAMES = sorted(path.name.removesuffix(".schema.json") for path in FORMS.glob("*.schema.json"))


@pytest.mark.parametrize("form", FORM_NAMES)
def test_the_fast_path_never_calls_valid_what_jsonschema_refuses(form):
    schema = json.loads((FORMS / f"{form}.schema.json").read_text(encoding="utf-8"))
    compiled = _compiled(schema)
    if form == "case_submission":  # a pattern: jsonschema alone
        assert compiled is None
        return
    assert compiled is not None
    full = Draft202012Validator(schema, format_checker=FormatChecker())
    checked = valid = 0
    for payload in PAYLOADS.get(form, [{}]):
        for variant in _variants(payload):
            fast = _valid_at_once(compiled, variant)
            if fast:
                assert full.is_valid(variant), (form, variant)
            checked, valid = checked + 1, valid + fast
    assert checked > 0
    if form in PAYLOADS:
        assert valid > 0  # the shipped payloads pass the fast path (and so skip jsonschema)


def test_formats_are_jsonschema_own_checks():
    compiled = _compiled({"type": "object", "properties": {"day": {"type": "string", "format": "date"}}})
    assert _valid_at_once(compiled, {"day": "2024-02-29"})
    assert not _valid_at_once(compiled, {"day": "0000-01-01"})  # jsonschema_rs's own check would let it pass
    assert not _valid_at_once(compiled, {"day": "2026-02-29"})


def test_patterns_and_references_keep_jsonschema_alone():
    assert _compiled({"type": "string", "pattern": "^[^\\s].*$"}) is None
    assert _compiled({"$defs": {"a": {"type": "string"}}, "$ref": "#/$defs/a"}) is None


def test_refusals_are_worded_by_jsonschema_as_before(app):
    data = review("issues")
    del data["opinion_text"]
    data["checklist"]["procedure"] = {"verdict": "issue"}
    with app.app_context(), pytest.raises(InvalidInput) as refused:
        validate_form("review_case", data)
    assert "opinion_text" in refused.value.fields
    assert any(field.startswith("checklist.procedure") for field in refused.value.fields)
