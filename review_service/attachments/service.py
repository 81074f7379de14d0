"""Store uploads after checking size and content, and bind them to a case's materials."""
import codecs
import hashlib
import os
import tempfile
import uuid
from pathlib import Path

import filetype
from flask import current_app
from sqlalchemy import select

from ..accounts.roles import Actor
from ..db_types import utcnow
from ..errors import InvalidInput, NotFound
from ..extensions import db
from .models import Attachment

# Detected MIME type -> file name extensions that may carry it.
ALLOWED_TYPES = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "image/tiff": {".tif", ".tiff"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {".xlsx"},
    "application/zip": {".ofd", ".zip"},  # OFD (GB/T 33190) is a zip container
    "text/plain": {".txt"},
}


def _detect(head: bytes, extension: str) -> str | None:
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if extension == ".txt":
        try:  # the head may end inside a multi-byte character: only invalid bytes refuse the file
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            return "text/plain"
        except UnicodeDecodeError:
            return None
    return None


def store_upload(stream, filename: str, *, actor: Actor) -> Attachment:
    """Write an uploaded file to disk and record it; refuse empty, oversized or mislabelled files."""
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    safe_name = Path(filename or "").name.strip()
    extension = Path(safe_name).suffix.lower()
    if not safe_name:
        raise InvalidInput("缺少文件名", fields={"file": ["缺少文件名"]})
    folder = current_app.config["ATTACHMENTS_DIR"] / str(actor.agency_id)
    folder.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    head = b""
    with tempfile.NamedTemporaryFile(dir=folder, delete=False) as tmp:
        try:
            for chunk in iter(lambda: stream.read(64 * 1024), b""):
                size += len(chunk)
                if size > limit:
                    raise InvalidInput(f"文件超过 {limit // (1024 * 1024)} MB 上限",
                                       fields={"file": ["文件过大"]}, code="attachment_too_large")
                if len(head) < 8192:
                    head += chunk[: 8192 - len(head)]
                digest.update(chunk)
                tmp.write(chunk)
            mime = _detect(head, extension)
            if size == 0:
                raise InvalidInput("文件为空", fields={"file": ["文件为空"]}, code="attachment_empty")
            if mime not in ALLOWED_TYPES or extension not in ALLOWED_TYPES[mime]:
                raise InvalidInput("文件类型不允许或与扩展名不符（允许 PDF、图片、Word、Excel、OFD、文本）",
                                   fields={"file": ["文件类型不允许"]}, code="attachment_type_refused")
        except BaseException:
            os.unlink(tmp.name)
            raise
    attachment = Attachment(id=str(uuid.uuid4()), agency_id=actor.agency_id, filename=safe_name,
                            content_type=mime, size=size, sha256=digest.hexdigest(), uploaded_by_id=actor.id,
                            uploaded_at=utcnow())  # set now, not at the flush: the 201 answer shows it
    os.replace(tmp.name, folder / attachment.id)
    db.session.add(attachment)
    return attachment


def attachment_path(attachment: Attachment) -> Path:
    return current_app.config["ATTACHMENTS_DIR"] / str(attachment.agency_id) / attachment.id


def get_attachment(attachment_id: str, *, actor: Actor) -> Attachment:
    """A file of a case material of the actor's agency, or the actor's own upload not yet attached to one;
    404 attachment_not_found otherwise (a colleague's unattached upload is not shown before it is submitted)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.agency_id != actor.agency_id or (
            attachment.material_id is None and attachment.uploaded_by_id != actor.id):
        raise NotFound("附件不存在", code="attachment_not_found")
    return attachment


def bind_attachments(ids: list[str], *, case, material, field: str) -> None:
    """Link uploaded attachments of the case's agency to a material; each may belong to one case only."""
    if not ids:
        return
    rows = {a.id: a for a in db.session.scalars(select(Attachment).where(Attachment.id.in_(ids)))}
    errors = []
    for attachment_id in ids:
        attachment = rows.get(attachment_id)
        if attachment is None or attachment.agency_id != case.agency_id:
            errors.append(f"附件 {attachment_id} 不存在")
        elif attachment.case_id not in (None, case.id) or attachment.material_id is not None:
            errors.append(f"附件 {attachment_id} 已属于其他材料")
    if errors:
        raise InvalidInput("附件引用不正确", fields={field: errors}, code="attachment_invalid")
    for attachment_id in ids:
        rows[attachment_id].case_id = case.id
        rows[attachment_id].material_id = material.id
