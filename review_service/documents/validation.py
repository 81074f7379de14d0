"""What publishing refuses about documents: a template that does not parse, names an unknown placeholder
or does not render, and a number format (profile.json documents.number_format) that cannot be used.

Registered with processes.validation.register_publish_check: every publication (API, CLI, an agency
folder's first use) checks the templates the agency would use and the profile being published, so a
reviewer issuing an opinion never meets the error.
"""
import json
import string
from functools import lru_cache
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError

from ..engine import DefinitionProblem
from ..extensions import db
from ..processes.validation import PROFILE_FILE
from .context import SAMPLES
from .render import (
    TEMPLATE_FILES,
    TEMPLATES_FOLDER,
    DocumentFailed,
    find_template,
    jinja_environment,
    render_docx,
    template_name,
)

NUMBER_FIELDS = ("agency_short", "agency_name", "year", "seq")
NUMBER_SAMPLE = {"agency_short": "某市监", "agency_name": "某市市场监督管理局", "year": 2026, "seq": 1}


def publish_problems(files: dict[str, bytes], agency_id: int | None) -> list[DefinitionProblem]:
    """Problems of the number format in the uploaded profile and of the templates the agency would use."""
    problems = number_format_problems(files.get(PROFILE_FILE))
    agency = _agency(agency_id)
    for kind, file_name in TEMPLATE_FILES.items():
        path = find_template(agency, kind)
        if path is None:
            problems.append(DefinitionProblem(f"{TEMPLATES_FOLDER}/{file_name}", None, None, "缺少文书模板"))
            continue
        problems += [DefinitionProblem(template_name(path), element, None, message)
                     for element, message in template_problems(str(path), path.stat().st_mtime_ns, kind)]
    return problems


def _agency(agency_id: int | None):
    from ..agencies.models import Agency
    return db.session.get(Agency, agency_id) if agency_id is not None else None


@lru_cache(maxsize=128)
def template_problems(path: str, _mtime_ns: int, kind: str) -> tuple[tuple[str | None, str], ...]:
    """(placeholder or None, message) for each problem of one template file (cached per file version)."""
    try:
        names = DocxTemplate(path).get_undeclared_template_variables(jinja_env=jinja_environment())
    except TemplateSyntaxError as exc:
        return ((None, f"模板语法错误（第 {exc.lineno} 行）：{exc.message}"),)
    except Exception as exc:  # noqa: BLE001  (not a DOCX at all, or a broken one)
        return ((None, f"不是有效的 DOCX 模板：{type(exc).__name__}: {exc}"),)
    unknown = sorted(names - set(SAMPLES[kind]) - {"loop"})
    if unknown:
        return tuple((name, f"未知占位符 {{{{ {name} }}}}（可用：{'、'.join(sorted(SAMPLES[kind]))}）")
                     for name in unknown)
    try:
        render_docx(Path(path), SAMPLES[kind])
    except DocumentFailed as exc:
        return ((None, str(exc)),)
    return ()


def number_format_problems(profile_payload: bytes | None) -> list[DefinitionProblem]:
    """The profile's documents.number_format: known placeholders only, {seq} present, formats a sample."""
    try:
        profile = json.loads(profile_payload) if profile_payload else {}
    except ValueError:
        return []  # reported by the profile's own checks
    pattern = (profile.get("documents") or {}).get("number_format") if isinstance(profile, dict) else None
    if not isinstance(pattern, str):
        return []
    element = "documents/number_format"
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(pattern) if field is not None]
    except ValueError as exc:
        return [DefinitionProblem(PROFILE_FILE, element, None, f"文号格式错误：{exc}")]
    names = {field.split(".")[0].split("[")[0] for field in fields}
    problems = [DefinitionProblem(PROFILE_FILE, element, None,
                                  f"文号格式中有未知占位符 {{{name}}}"
                                  f"（可用：{'、'.join('{' + f + '}' for f in NUMBER_FIELDS)}）")
                for name in sorted(names - set(NUMBER_FIELDS))]
    if "seq" not in names:
        problems.append(DefinitionProblem(PROFILE_FILE, element, None, "文号格式须包含 {seq}（当年序号）"))
    if not problems:
        try:
            pattern.format(**NUMBER_SAMPLE)
        except (ValueError, KeyError, IndexError, AttributeError, TypeError) as exc:
            problems.append(DefinitionProblem(PROFILE_FILE, element, None, f"文号格式错误：{exc}"))
    return problems
