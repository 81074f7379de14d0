"""Make, number, list, download and regenerate a case's documents.

On the request path a document is only a row: the snapshot of what it records, its number (文号,
opinions only, allocated in the issuing transaction) and a due job. The worker renders the DOCX and
converts the PDF; a download renders a DOCX the worker has not stored yet, so the DOCX is there at once.
"""
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import cast

from flask import current_app
from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite

from ..audit.service import record_event
from ..cases.service import get_case
from ..cases.workflow import lock_case
from ..china_time import today_in_china
from ..db_types import utcnow
from ..errors import Conflict, Forbidden, NotFound
from ..extensions import db
from ..jobs.models import PENDING as JOB_PENDING
from ..jobs.models import DueJob, JobQueue
from ..processes.models import WorkflowInstance
from ..processes.service import profile_of_version
from .context import DEFAULT_NUMBER_FORMAT, KIND_TITLES, render_context, snapshot
from .models import DONE, OFF, PENDING, CaseDocument, DocumentCounter
from .render import DocumentFailed, render_docx, sha256, template_name, template_path

CONVERT_JOB = "documents.convert"
OPINION_SERIES = "opinion"
REGENERATING_ROLES = {"reviewer", "review_head", "head", "designer", "admin"}
DISCUSSION_OCCASIONS = {"collective_discussion": "法制审核通过后、作出决定前的集体讨论（行政处罚法第五十七条第二款）",
                        "settlement": "法制审核意见协调不成，提请集体讨论",
                        "decision": "作出决定前的集体讨论"}


# --- on the request path -----------------------------------------------------------------------------

def record_task_documents(case, task, *, actor, data: dict) -> None:
    """Listener of every task completion: the documents the step produces (inside its transaction)."""
    if task.kind == "review_opinion":
        _opinion(case, actor, "review", {"code": data["opinion"], "text": data["opinion_text"],
                                         "suggestions": data.get("suggestions", []),
                                         "transfer_target": data.get("transfer_target"),
                                         "reasons": data.get("transfer_reasons")}, data["checklist"])
    elif task.kind == "coordination":
        _record(case, actor, "coordination", f"task:{task.id}", record="coordination", form=data)
        if data["outcome"] == "revise_to_approve":
            _opinion(case, actor, "revision", {"code": "approve", "text": data["revision_reasons"], "suggestions": [],
                                               "transfer_target": None, "reasons": data["minutes"]}, {})
    elif task.kind in ("collective_discussion", "settlement") and data.get("minutes"):
        _record(case, actor, "discussion", f"task:{task.id}", record="discussion", form=data,
                occasion=DISCUSSION_OCCASIONS[task.kind])
    elif task.kind == "decision" and data.get("collective_discussion_minutes"):
        _record(case, actor, "discussion", f"task:{task.id}", record="discussion",
                form={"minutes": data["collective_discussion_minutes"]}, occasion=DISCUSSION_OCCASIONS["decision"])


def record_submission_document(case, *, actor, data: dict) -> None:
    """Listener of a submission: the 送审表."""
    _record(case, actor, "submission", "submission", review_required=case.review_required,
            review_required_reasons=[reason.get("text") or reason.get("code", "")
                                     for reason in case.review_required_reasons or []])


def _opinion(case, actor, source: str, opinion: dict, checklist: dict) -> None:
    """审核意见书 of the opinion just issued: its number now, in this transaction."""
    number = allocate_number(case, today_in_china().year)
    _record(case, actor, "opinion", f"opinion:{case.round}:{source}", number=number,
            opinion={**opinion, "kind": source}, checklist=checklist, reviewer_ids=[actor.id])


def _record(case, actor, kind: str, subject: str, *, number: str | None = None, version: int = 1, **extra) -> int:
    """INSERT the document row and its PDF job (Core statements: nothing reads them back in this request)."""
    pdf = current_app.config["DOCUMENT_PDF"]
    values = {"case_id": case.id, "agency_id": case.agency_id, "kind": kind, "subject": subject, "version": version,
              "round": case.round, "number": number, "context": snapshot(case, actor=actor, **extra),
              "pdf_status": PENDING if pdf else OFF, "pdf_attempts": 0, "created_at": utcnow(),
              "created_by_id": actor.id if actor is not None else None}
    document_id = db.session.connection().execute(_statements().insert_document, values).scalar_one()
    if pdf:
        schedule_conversion(document_id, case.id)
    return document_id


def schedule_conversion(document_id: int, case_id: int, *, attempt: int = 0, due_at: datetime | None = None) -> None:
    """A due job converting the document, on the slow `documents` queue. It belongs to the case (an incident is
    shown to that agency's admins); the conversion itself runs before the job's transaction, without the lock."""
    due_at = due_at or utcnow()
    db.session.connection().execute(_statements().insert_job, {  # one row: not the executemany path
        "kind": CONVERT_JOB, "queue": JobQueue.DOCUMENTS, "due_at": due_at, "next_attempt_at": due_at,
        "case_id": case_id,
        "payload": {"document_id": document_id, "case_id": case_id},
        "dedupe_key": f"document-pdf:{document_id}:{attempt}",
        "status": JOB_PENDING, "attempts": 0, "max_attempts": 5, "created_at": utcnow()})


def allocate_number(case, year: int, series: str = OPINION_SERIES) -> str:
    """The next number of the agency's series this year, formatted by the case's profile; gapless.

    One statement, INSERT ... ON CONFLICT DO UPDATE ... RETURNING: the counter row (made at 1 for the year's
    first) stays locked until this transaction ends, so two opinions of one agency issued at once, on any
    node, get consecutive numbers, and a rollback gives the number back.
    """
    connection = db.session.connection()
    seq = connection.execute(_next_number(connection.dialect.name),
                             {"b_agency": case.agency_id, "b_year": year, "b_series": series}).scalar_one()
    return format_number(_profile_of(case), case.agency, year, seq)


def _profile_of(case) -> dict:
    """The profile of the case's version; the completion already loaded its workflow instance (no query then)."""
    instance = db.session.get(WorkflowInstance, case.id)
    return profile_of_version(instance.process_version_id, instance.process_hash) if instance else {}


def format_number(profile: dict, agency, year: int, seq: int) -> str:
    settings = profile.get("documents", {})
    return (settings.get("number_format") or DEFAULT_NUMBER_FORMAT).format(
        agency_short=settings.get("agency_short") or agency.name, agency_name=agency.name, year=year, seq=seq)


@cache
def _statements():
    return type("Statements", (), {
        "insert_document": CaseDocument.__table__.insert().returning(CaseDocument.__table__.c.id),
        "insert_job": DueJob.__table__.insert(),
    })


@cache
def _next_number(dialect: str):
    """Upsert the agency's counter for the year and return the number it now stands at."""
    counters = cast(Table, DocumentCounter.__table__)  # a declarative model's __table__ is its Table
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return dialect_insert(counters).values(
        agency_id=bindparam("b_agency"), year=bindparam("b_year"), series=bindparam("b_series"), last_seq=1,
    ).on_conflict_do_update(index_elements=[counters.c.agency_id, counters.c.year, counters.c.series],
                            set_={"last_seq": counters.c.last_seq + 1}).returning(counters.c.last_seq)


# --- reading and regenerating ---------------------------------------------------------------------------

@dataclass
class DocumentEntry:
    """One document version as the pages, the API and the archive see it."""

    document: CaseDocument
    latest: bool

    id = property(lambda self: self.document.id)
    kind = property(lambda self: self.document.kind)
    version = property(lambda self: self.document.version)
    number = property(lambda self: self.document.number)
    round = property(lambda self: self.document.round)
    created_at = property(lambda self: self.document.created_at)
    created_by = property(lambda self: self.document.created_by)
    pdf_status = property(lambda self: self.document.pdf_status)
    pdf_error = property(lambda self: self.document.pdf_error)
    has_pdf = property(lambda self: self.document.pdf_status == DONE)

    @property
    def title(self) -> str:
        suffix = f"（第{self.round}轮）" if self.kind in ("opinion", "coordination") else ""
        return KIND_TITLES[self.kind] + suffix

    @property
    def file_name(self) -> str:
        return f"{self.document.context['case']['number']}-{self.title}-v{self.version}"

    def docx_bytes(self) -> bytes:
        return docx_bytes(self.document)

    def pdf_bytes(self) -> bytes | None:
        return self.document.pdf if self.has_pdf else None


def list_case_documents(case, *, actor=None) -> list[DocumentEntry]:
    """Every version of every document of the case, oldest first (with actor: 404 unless they see the case).

    For the archive: entry.docx_bytes() (rendered now if the worker has not yet), entry.pdf_bytes()
    (None until converted), entry.file_name, entry.latest.
    """
    if actor is not None:
        case = get_case(case.id, actor=actor)
    rows = list(db.session.scalars(select(CaseDocument).where(CaseDocument.case_id == case.id)
                                   .order_by(CaseDocument.id)))
    newest: dict[str, int] = {}
    for row in rows:
        newest[row.subject] = max(newest.get(row.subject, 0), row.version)
    return [DocumentEntry(row, row.version == newest[row.subject]) for row in rows]


ANSWERING_KINDS = ("response", "correction", "coordination", "settlement")


def opinion_answered_by(task) -> DocumentEntry | None:
    """The newest 审核意见书 of the task's case if the task answers an opinion (the handler's reply,
    coordination, settlement); None otherwise."""
    if task.kind not in ANSWERING_KINDS:
        return None
    row = db.session.scalar(select(CaseDocument).where(CaseDocument.case_id == task.case_id,
                                                       CaseDocument.kind == "opinion")
                            .order_by(CaseDocument.round.desc(), CaseDocument.id.desc()).limit(1))
    return DocumentEntry(row, True) if row is not None else None


def get_document(document_id: int, *, actor) -> DocumentEntry:
    """One document if the actor may see its case (same rule as the case page: 404 otherwise)."""
    row = db.session.get(CaseDocument, document_id)
    if row is None:
        raise NotFound("文书不存在", code="document_not_found")
    try:
        get_case(row.case_id, actor=actor)
    except NotFound:
        raise NotFound("文书不存在", code="document_not_found") from None
    latest = db.session.scalar(select(func.max(CaseDocument.version)).where(
        CaseDocument.case_id == row.case_id, CaseDocument.subject == row.subject))
    return DocumentEntry(row, row.version == latest)


def docx_bytes(document: CaseDocument) -> bytes:
    """The stored DOCX, else the same bytes rendered now from the snapshot and the template in force."""
    if document.docx is not None:
        return document.docx
    try:
        return render_docx(template_path(_agency(document), document.kind), render_context(document))
    except DocumentFailed as exc:
        raise Conflict(f"文书无法生成：{exc}", code="document_template_failed") from exc


def rendered_docx(document: CaseDocument) -> tuple[bytes, Path]:
    """(DOCX, template path) rendered now; DocumentFailed if the template does not render."""
    path = template_path(_agency(document), document.kind)
    return render_docx(path, render_context(document)), path


def store_docx(document: CaseDocument, rendered: tuple[bytes, Path] | None = None) -> bytes:
    """Keep the DOCX once (a stored DOCX is never replaced); rendered: what rendered_docx gave earlier."""
    if document.docx is None:
        payload, path = rendered or rendered_docx(document)
        document.docx, document.docx_sha256, document.rendered_at = payload, sha256(payload), utcnow()
        document.template, document.template_sha256 = template_name(path), sha256(path.read_bytes())
    return document.docx


def _agency(document: CaseDocument):
    from ..agencies.models import Agency
    return db.session.get(Agency, document.agency_id)


def regenerate_document(document_id: int, *, actor) -> DocumentEntry:
    """A new version of the document from the same snapshot and the template in force now; the old stays."""
    entry = get_document(document_id, actor=actor)
    row = entry.document
    if not set(actor.roles) & REGENERATING_ROLES or actor.agency_id != row.agency_id:
        raise Forbidden("只有本机关的审核人员、负责人、流程设计人员或管理员可以重新生成文书", code="role_required")
    case = lock_case(row.case_id)
    assert case is not None  # the document's case: get_document just found it
    newest_version = db.session.scalar(select(func.max(CaseDocument.version)).where(
        CaseDocument.case_id == case.id, CaseDocument.subject == row.subject))
    assert newest_version is not None  # the document being regenerated is one of them
    version = newest_version + 1
    pdf = current_app.config["DOCUMENT_PDF"]
    new = CaseDocument(case_id=case.id, agency_id=row.agency_id, kind=row.kind, subject=row.subject, version=version,
                       round=row.round, number=row.number, context=row.context, pdf_status=PENDING if pdf else OFF,
                       pdf_attempts=0, created_by_id=actor.id)
    db.session.add(new)
    db.session.flush()
    try:
        store_docx(new)
    except DocumentFailed as exc:
        raise Conflict(f"文书无法生成：{exc}", code="document_template_failed") from exc
    if pdf:
        schedule_conversion(new.id, case.id)
    record_event(case, actor=actor, action="document.regenerated",
                 data={"document_id": new.id, "kind": row.kind, "number": row.number, "version": version,
                       "previous_version": row.version, "template": new.template})
    db.session.flush()
    return DocumentEntry(new, True)
