"""Publish through the API or CLI, list an agency's versions, download one, diff two."""
import difflib

from sqlalchemy import select

from ..accounts.roles import Actor
from ..engine import ProcessDefinitionError, diff_specs
from ..errors import InvalidInput, NotFound
from ..extensions import db
from .models import ProcessVersion
from .permissions import check_designer
from .service import PROCESS_ID, publish_version
from .validation import describe

NOTE_MAX = 2000


def version_by_number(agency, number: int) -> ProcessVersion:
    version = db.session.scalar(select(ProcessVersion).where(
        ProcessVersion.agency_id == agency.id, ProcessVersion.process_id == PROCESS_ID,
        ProcessVersion.number == number))
    if version is None:
        raise NotFound(f"本机关没有第 {number} 版流程", code="process_version_not_found")
    return version


def publish_for_agency(agency, files: dict[str, bytes], *, actor: Actor,
                       note: str | None = None) -> tuple[ProcessVersion, bool]:
    """(version, created) after validating everything; 422 process_invalid listing each problem. Caller commits.
    note: what changed, in the designer's words (stored with a new version)."""
    check_designer(actor, agency)
    if not files:
        raise InvalidInput("请上传流程文件", code="process_invalid", fields={"files": ["缺少文件"]})
    before = db.session.scalar(select(ProcessVersion.id).where(ProcessVersion.agency_id == agency.id)
                               .order_by(ProcessVersion.number.desc()).limit(1))
    try:
        version = publish_version(files, agency_id=agency.id, published_by_id=actor.id,
                                  note=(note or "").strip()[:NOTE_MAX] or None)
    except ProcessDefinitionError as exc:
        raise InvalidInput("流程定义未通过校验，未发布", code="process_invalid",
                           fields={"files": [describe(p) for p in exc.problems]}) from exc
    return version, version.id != before


def list_versions(agency) -> list[ProcessVersion]:
    return list(db.session.scalars(select(ProcessVersion).where(
        ProcessVersion.agency_id == agency.id, ProcessVersion.process_id == PROCESS_ID)
        .order_by(ProcessVersion.number)))


def version_file(version: ProcessVersion, name: str) -> str:
    if name not in version.sources:
        raise NotFound(f"第 {version.number} 版没有文件 {name}", code="process_file_not_found")
    return version.sources[name]


def _diff_lines(text: str) -> list[str]:
    """The text's lines for a unified diff; a last line without a newline is marked as diff(1) does."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def diff_versions(agency, old_number: int, new_number: int) -> dict:
    """A unified text diff per file and the engine's summary of added, changed and removed task specs."""
    old, new = version_by_number(agency, old_number), version_by_number(agency, new_number)
    files = {}
    for name in sorted(set(old.sources) | set(new.sources)):
        before, after = old.sources.get(name, ""), new.sources.get(name, "")
        if before != after:
            files[name] = "".join(difflib.unified_diff(
                _diff_lines(before), _diff_lines(after),
                fromfile=f"v{old.number}/{name}", tofile=f"v{new.number}/{name}"))
    return {"from": old.number, "to": new.number, "files": files,
            "tasks": diff_specs(old.spec_json, new.spec_json).as_dict()}
