"""Build one archive package (案卷) ZIP of a case: documents as PDF, every material attachment, the history
as JSON and as a readable PDF, and manifest.json sealed with the history chain's head.

Runs in the worker (a due job holding the case lock), never on the request path: the PDF conversion
takes seconds.
"""
import json
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from ..attachments.service import attachment_path
from ..audit.service import case_history
from ..cases.forms import form_schema
from ..cases.history import readable_history
from ..cases.models import COMPLETED, Task
from ..cases.readable import value_text
from ..cases.rounds import case_rounds
from ..db_types import utcnow
from ..extensions import db
from ..processes.profiles import profile_of_case
from . import manifest as mf
from .history_document import BEIJING, beijing_time, history_docx
from .models import ArchivePackage
from .pdf import docx_to_pdfs

PDF, JSON = "application/pdf", "application/json"


@dataclass(frozen=True)
class ArchiveFile:
    path: str  # inside the ZIP
    data: bytes
    role: str  # document | material | history
    title: str
    media_type: str


class ArchiveBuildFailed(RuntimeError):
    """A file the package must hold is not as recorded (e.g. an attachment changed on disk)."""


def case_documents(case) -> list:
    """The document service's entries of the case (review_service/documents/: list_case_documents)."""
    from ..documents.service import list_case_documents
    return list_case_documents(case)


def document_files(entries, *also: bytes) -> tuple[list[ArchiveFile], list[bytes]]:
    """Entries with file_name, title, pdf_bytes() (None until converted) and docx_bytes(), as PDF files under
    documents/, and the PDFs of the DOCX `also` given. A document whose PDF is not made yet is converted here
    (the package never waits for another job), with the `also` in the same LibreOffice run."""
    made = [entry.pdf_bytes() for entry in entries]
    missing = [entry.docx_bytes() for entry, pdf in zip(entries, made, strict=True) if not pdf]
    pdfs = iter(docx_to_pdfs([*missing, *also]))
    files = [ArchiveFile(f"documents/{_safe(entry.file_name)}.pdf", pdf or next(pdfs), "document", entry.title, PDF)
             for entry, pdf in zip(entries, made, strict=True)]
    return files, list(pdfs)


@dataclass(frozen=True)
class PreparedPackage:
    """A package written to a temporary file and not recorded yet: the build job's preparation, which runs
    outside the job's transaction (no case lock, no SQLite write lock while LibreOffice converts)."""

    columns: dict  # of the ArchivePackage row
    part: Path  # the temporary file beside its final place


def prepare_package(case, *, trigger: str, requested_by) -> PreparedPackage:
    """Gather, convert and write the case's next package to a temporary file; reads only."""
    events = case_history(case.id)
    head = {"seq": case.history_seq, "hash": case.history_hash}
    metadata = case_metadata(case)
    history = readable_history(case.id, events)
    materials = material_files(case)  # checked first: a changed attachment fails the build before LibreOffice
    documents, [history_pdf] = document_files(case_documents(case),
                                               history_docx(metadata, case_rounds(case), history))
    files = [*documents, *materials,
             ArchiveFile("history/history.json", _history_json(case, events, head), "history",
                         "案件历史记录（机读）", JSON),
             ArchiveFile("history/history.pdf", history_pdf, "history", "案件办理记录", PDF)]
    version = (db.session.scalar(select(func.max(ArchivePackage.version))
                                 .where(ArchivePackage.case_id == case.id)) or 0) + 1
    built_at = utcnow()
    manifest = mf.seal({
        "format": mf.FORMAT, "model": "GB/T 18894-2016",
        "archive": mf.archive_section(case, profile=profile_of_case(case.id), archiving=_archiving_data(case.id)),
        "case": metadata,
        "package": {"version": version, "trigger": trigger, "built_at": built_at.isoformat(),
                    "requested_by": requested_by.full_name if requested_by else None,
                    "system": "review_service"},
        "files": [mf.file_entry(f.path, f.data, role=f.role, title=f.title, media_type=f.media_type) for f in files],
        "seal": {"algorithm": "SHA-256", "history_head": head, "digest": None},
    })
    stored_as, part, size, digest = _write_zip(case, version, files, manifest, built_at)
    return PreparedPackage({"case_id": case.id, "agency_id": case.agency_id, "version": version, "trigger": trigger,
                            "requested_by_id": requested_by.id if requested_by else None,
                            "filename": f"{_safe(case.case_number)}-案卷-v{version}.zip", "stored_as": stored_as,
                            "size": size, "sha256": digest, "chain_seq": head["seq"], "chain_hash": head["hash"],
                            "files": len(files) + 1, "built_at": built_at}, part)


def store_package(prepared: PreparedPackage) -> ArchivePackage:
    """Move the prepared file to its place and record the package (in the job's transaction)."""
    target = archives_dir() / prepared.columns["stored_as"]
    os.replace(prepared.part, target)
    package = ArchivePackage(**prepared.columns)
    db.session.add(package)
    try:
        db.session.flush()
    except Exception:
        target.unlink(missing_ok=True)  # e.g. another build took this version meanwhile: the job is retried
        raise
    return package


def case_metadata(case) -> dict:
    """The case section of the manifest: agency, case number, party, dates, decision."""
    decision = case.decision
    return {
        "agency": {"code": case.agency.code, "name": case.agency.name},
        "case_number": case.case_number, "title": case.title, "status": case.status, "rounds": case.round,
        "decision_type": {"code": case.decision_type, "label": _submission_title(case.decision_type, "decision_type")},
        "party": {"type": case.party_type, "name": case.party_name,
                  "type_label": _submission_title(case.party_type, "party", "type")},
        "proposed_decision": case.proposed_decision,
        "dates": {"filed_on": case.filed_on.isoformat() if case.filed_on else None,
                  "submitted_at": case.created_at.isoformat(), "submitted_at_beijing": beijing_time(case.created_at),
                  "decided_on": decision.decided_on.isoformat() if decision else None,
                  "closed_at": case.closed_at.isoformat() if case.closed_at else None},
        "decision": {"text": decision.text, "decided_on": decision.decided_on.isoformat(),
                     "document_number": decision.document_number, "passed_round": decision.passed_round,
                     "decided_by": decision.decided_by.full_name,
                     "collective_discussion_held": decision.collective_discussion_held} if decision else None,
        "opinions": [{"round": o.round, "kind": o.kind, "opinion": o.opinion, "reviewer": o.reviewer.full_name,
                      "issued_at": o.issued_at.isoformat()} for o in case.opinions],
    }


def _submission_title(code: str, *path: str) -> str:
    """A code of the submission form by its own Chinese title (e.g. administrative_penalty -> 行政处罚)."""
    node = form_schema("case_submission")
    for key in path:
        node = node["properties"][key]
    return value_text(node, code)


def material_files(case) -> list[ArchiveFile]:
    """Every attachment of every material, checked against the SHA-256 recorded at upload."""
    files = []
    for number, material in enumerate(case.materials, 1):
        folder = f"materials/{number:02d}-{_safe(material.name)}"
        for attachment in material.attachments:
            data = attachment_path(attachment).read_bytes()
            if mf.sha256(data) != attachment.sha256:
                raise ArchiveBuildFailed(f"附件 {attachment.filename}（{attachment.id}）与上传时的摘要不符")
            files.append(ArchiveFile(f"{folder}/{_safe(attachment.filename)}", data, "material", material.name,
                                     attachment.content_type))
    return files


def _history_json(case, events, head: dict) -> bytes:
    rows = [{"seq": e.seq, "occurred_at": e.occurred_at.isoformat(), "actor_id": e.actor_id,
             "actor_name": e.actor_name, "action": e.action, "task_id": e.task_id, "round": e.round, "data": e.data,
             "prev_hash": e.prev_hash, "hash": e.hash} for e in events]
    body = {"case_id": case.id, "case_number": case.case_number, "chain_head": head, "events": rows}
    return json.dumps(body, ensure_ascii=False, indent=1).encode()


def _archiving_data(case_id: int) -> dict | None:
    return db.session.scalar(select(Task.data).where(Task.case_id == case_id, Task.kind == "archiving",
                                                     Task.status == COMPLETED).order_by(Task.completed_at.desc()))


def archives_dir() -> Path:
    return Path(current_app.config["ATTACHMENTS_DIR"]) / "archives"


def _write_zip(case, version: int, files: list[ArchiveFile], manifest: dict,
               built_at) -> tuple[str, Path, int, str]:
    """Write the ZIP to a temporary file beside its place (store_package renames it: never half a package);
    every entry is dated with the build time in Beijing. Returns (place, temporary file, size, SHA-256)."""
    relative = f"{case.agency_id}/{case.id}-v{version}.zip"
    target = archives_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp = built_at.astimezone(BEIJING).timetuple()[:6]
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".part") as tmp:
        try:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(zipfile.ZipInfo(mf.MANIFEST, stamp),
                                 json.dumps(manifest, ensure_ascii=False, indent=1).encode())
                for item in files:
                    archive.writestr(zipfile.ZipInfo(item.path, stamp), item.data, zipfile.ZIP_DEFLATED)
        except BaseException:
            os.unlink(tmp.name)
            raise
    data = Path(tmp.name).read_bytes()
    return relative, Path(tmp.name), len(data), mf.sha256(data)


def _safe(name: str) -> str:
    """A file or folder name inside the ZIP: no path separators or control characters."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name).strip(" .")
    return cleaned[:80] or "_"

