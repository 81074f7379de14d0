"""A JSON definition file (profile.json, catalog.json) read and checked against its schema, every problem
reported as an engine.DefinitionProblem (file, JSON path, line) like the diagrams' problems."""
import json

from jsonschema import Draft202012Validator

from .engine import DefinitionProblem


def load_json(payload: bytes, file_name: str) -> tuple[object, list[DefinitionProblem]]:
    try:
        return json.loads(payload.decode("utf-8")), []
    except UnicodeDecodeError:
        return None, [DefinitionProblem(file_name, None, None, "文件须为 UTF-8 编码")]
    except json.JSONDecodeError as exc:
        return None, [DefinitionProblem(file_name, None, exc.lineno, f"JSON 格式错误: {exc.msg}")]


def schema_problems(document, validator: Draft202012Validator, file_name: str) -> list[DefinitionProblem]:
    """One problem per schema violation, the element being the JSON path of the offending value."""
    return [DefinitionProblem(file_name, "/".join(str(p) for p in error.absolute_path) or "/", None, error.message)
            for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))]
