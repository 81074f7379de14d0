"""Check a catalog.json before it is published: its schema, and that no statutory trigger is switched off."""
import json
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator

from ..engine import DefinitionProblem
from ..json_documents import load_json, schema_problems
from .statutory import STATUTORY_TRIGGERS

STATUTORY_CODES = {trigger.code for trigger in STATUTORY_TRIGGERS}
DISABLING_WORDS = ("disable", "enable", "exclude", "skip", "statutory", "override")


@lru_cache(maxsize=1)
def catalog_validator() -> Draft202012Validator:
    schema = json.loads((Path(__file__).parent / "catalog.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def catalog_problems(payload: bytes, file_name: str = "catalog.json") -> list[DefinitionProblem]:
    """DefinitionProblems for a catalog: JSON, schema, and attempts to disable a statutory trigger."""
    document, problems = load_json(payload, file_name)
    if problems:
        return problems
    return statutory_problems(document, file_name) + schema_problems(document, catalog_validator(), file_name)


def statutory_problems(document, file_name: str) -> list[DefinitionProblem]:
    """Refuse keys that read as switching a statutory trigger off, and rules named like one."""
    if not isinstance(document, dict):
        return []
    message = "行政处罚法第五十八条等法定审核情形始终适用，目录不能停用或覆盖（{}）"
    places = [("/", document)] + [(f"rules/{i}", rule) for i, rule in enumerate(document.get("rules") or [])
                                  if isinstance(rule, dict)]
    problems = []
    for path, item in places:
        for key in item:
            if any(word in key.lower() for word in DISABLING_WORDS):
                problems.append(DefinitionProblem(file_name, f"{path}/{key}".lstrip("/"), None,
                                                  message.format(f"{key}: {item[key]}")))
        if path != "/" and item.get("id") in STATUTORY_CODES:
            problems.append(DefinitionProblem(file_name, f"{path}/id", None,
                                              message.format(f"规则编号 {item['id']} 与法定情形同名")))
    return problems
