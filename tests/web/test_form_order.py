"""Forms show their fields in the order of the JSON Schema file, never alphabetically."""
import json
import re
from pathlib import Path

FORMS = Path(__file__).resolve().parents[2] / "forms"


def _form_config(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="form-config">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def _keys_in_order(schema: dict) -> list[str]:
    return list(schema["properties"])


def test_submission_form_keeps_the_schema_files_field_order(page_as):
    html = page_as("handler").get("/cases/new").get_data(as_text=True)
    shown = _form_config(html)["schema"]
    in_file = json.loads((FORMS / "case_submission.schema.json").read_text(encoding="utf-8"))
    assert _keys_in_order(shown) == _keys_in_order(in_file)
    assert _keys_in_order(shown) != sorted(_keys_in_order(shown))  # the file's order is not alphabetical
    assert list(shown["properties"]["party"]["properties"]) == list(in_file["properties"]["party"]["properties"])
