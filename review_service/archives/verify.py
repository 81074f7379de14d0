"""Check an archive package: every file the manifest lists is there with its SHA-256, nothing else is added,
the manifest's seal holds, the history's hash chain is intact and ends at the sealed head, and (when this
service still holds the case) that head is the case's own history entry.
"""
import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..agencies.models import Agency
from ..audit.models import CaseEvent
from ..audit.service import verify_chain
from ..cases.models import Case
from ..extensions import db
from . import manifest as mf

HISTORY = "history/history.json"


@dataclass
class Verification:
    """The outcome: ok only when nothing is changed, missing, added or otherwise wrong."""

    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    files_checked: int = 0
    case_number: str | None = None
    anchored: bool | None = None  # the sealed head matches this service's history (None: case not here)

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.unexpected or self.problems) and self.anchored is not False

    def lines(self) -> list[str]:
        """The outcome as lines for people (the command and the page)."""
        lines = [f"案号：{self.case_number or '（未知）'}；已核对文件 {self.files_checked} 个"]
        lines += [f"已被修改：{path}" for path in self.changed]
        lines += [f"缺失：{path}" for path in self.missing]
        lines += [f"多出（清单中没有）：{path}" for path in self.unexpected]
        lines += [f"问题：{problem}" for problem in self.problems]
        if self.anchored is False:
            lines.append("问题：封存的历史记录链末条与本系统中该案件的历史记录不符")
        elif self.anchored:
            lines.append("封存的历史记录链末条与本系统中该案件的历史记录一致")
        lines.append("校验通过" if self.ok else "校验未通过")
        return lines

    def as_dict(self) -> dict:
        return {"ok": self.ok, "changed": self.changed, "missing": self.missing, "unexpected": self.unexpected,
                "problems": self.problems, "files_checked": self.files_checked, "case_number": self.case_number,
                "anchored": self.anchored}


def verify_package(source) -> Verification:
    """Verify a package given as a path or a binary file object; never raises on a damaged package."""
    result = Verification()
    try:
        with zipfile.ZipFile(source) as archive:
            _verify_archive(archive, result)
    except zipfile.BadZipFile:
        result.problems.append("不是有效的 ZIP 文件")
    return result


def _verify_archive(archive: zipfile.ZipFile, result: Verification) -> None:
    contents = {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
    if mf.MANIFEST not in contents:
        result.missing.append(mf.MANIFEST)
        return
    try:
        manifest = json.loads(contents.pop(mf.MANIFEST))
        listed = {entry["path"]: entry for entry in manifest["files"]}
    except (ValueError, KeyError, TypeError):
        result.changed.append(mf.MANIFEST)
        return
    result.case_number = manifest.get("case", {}).get("case_number")
    if not mf.seal_holds(manifest):
        result.changed.append(mf.MANIFEST)
    for path, entry in listed.items():
        if path not in contents:
            result.missing.append(path)
        elif mf.sha256(contents[path]) != entry.get("sha256"):
            result.changed.append(path)
        else:
            result.files_checked += 1
    result.unexpected.extend(sorted(set(contents) - set(listed)))
    head = manifest.get("seal", {}).get("history_head", {})
    if HISTORY in contents and HISTORY not in result.changed:
        _check_history(contents[HISTORY], head, result)
    result.anchored = _anchored(manifest, head)


def _check_history(payload: bytes, head: dict, result: Verification) -> None:
    """The history's own chain is intact and its last entry is the head the manifest is sealed with."""
    try:
        rows = json.loads(payload)["events"]
        events = [CaseEvent(**{**row, "occurred_at": datetime.fromisoformat(row["occurred_at"]),
                               "case_id": json.loads(payload)["case_id"]}) for row in rows]
    except (ValueError, KeyError, TypeError):
        result.problems.append(f"{HISTORY}: 无法读取")
        return
    own_head = (events[-1].seq, events[-1].hash) if events else (0, GENESIS_HASH)
    broken = verify_chain(events, head_seq=own_head[0], head_hash=own_head[1])  # the package's chain against itself
    if broken is not None:
        result.problems.append(f"{HISTORY}: 历史记录链在第 {broken} 条断开")
    elif not events or (events[-1].seq, events[-1].hash) != (head.get("seq"), head.get("hash")):
        result.problems.append(f"{HISTORY}: 末条记录与封存的历史记录链末条不符")


def _anchored(manifest: dict, head: dict) -> bool | None:
    """Whether this service's history of the case has the sealed entry (None: no such case here)."""
    try:
        agency_code = manifest["case"]["agency"]["code"]
        case_number = manifest["case"]["case_number"]
        case_id = db.session.scalar(select(Case.id).join(Agency, Agency.id == Case.agency_id)
                                    .where(Agency.code == agency_code, Case.case_number == case_number))
    except (KeyError, TypeError, RuntimeError, SQLAlchemyError):  # not our manifest, or no database to ask
        return None
    if case_id is None:
        return None
    stored = db.session.scalar(select(CaseEvent.hash).where(CaseEvent.case_id == case_id,
                                                             CaseEvent.seq == head.get("seq")))
    return stored is not None and stored == head.get("hash")
