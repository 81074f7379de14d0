"""Publish process versions from workflows/, find the one a new case uses, and cache runtimes."""
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..deadlines.scripting import SCRIPT_HELPERS
from ..engine import Runtime, content_hash, dump_spec, load_spec, parse_process
from ..errors import Conflict
from ..extensions import db
from .models import ProcessVersion

PROCESS_ID = "legal_review"
# Lane id -> the role whose users work that lane's tasks.
LANE_ROLES = {"handling_unit": "handler", "review_unit": "reviewer", "agency_head": "head"}


def read_process_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())
            if path.suffix in (".bpmn", ".dmn")}


def publish_version(files: dict[str, bytes], *, agency_id: int | None = None) -> ProcessVersion:
    """Store a parsed version unless identical content is already the latest one. Caller commits."""
    latest = latest_version(agency_id)
    digest = content_hash(files)
    if latest is not None and latest.content_hash == digest:
        return latest
    parsed = parse_process(files, PROCESS_ID)
    number = (db.session.scalar(select(func.max(ProcessVersion.number)).where(
        ProcessVersion.agency_id.is_(agency_id) if agency_id is None else ProcessVersion.agency_id == agency_id,
        ProcessVersion.process_id == PROCESS_ID)) or 0) + 1
    version = ProcessVersion(agency_id=agency_id, process_id=PROCESS_ID, number=number, content_hash=digest,
                             sources={name: data.decode("utf-8") for name, data in files.items()},
                             spec_json=dump_spec(parsed.spec, parsed.subprocess_specs), lanes=parsed.lanes_by_name)
    db.session.add(version)
    db.session.flush()
    return version


def publish_default_version() -> ProcessVersion:
    folder = current_app.config["WORKFLOWS_DIR"] / "default"
    return publish_version(read_process_files(folder))


def latest_version(agency_id: int | None) -> ProcessVersion | None:
    owner = ProcessVersion.agency_id.is_(None) if agency_id is None else ProcessVersion.agency_id == agency_id
    return db.session.scalar(select(ProcessVersion).where(owner, ProcessVersion.process_id == PROCESS_ID)
                             .order_by(ProcessVersion.number.desc()).limit(1))


def version_for_new_case(agency) -> ProcessVersion:
    """The agency's own latest version, else its nearest ancestor's, else the national default."""
    current = agency
    while current is not None:
        version = latest_version(current.id)
        if version is not None:
            return version
        current = current.parent
    version = latest_version(None)
    if version is None:
        try:
            with db.session.begin_nested():
                version = publish_default_version()
        except IntegrityError:  # another request published it first
            version = latest_version(None)
    if version is None:
        raise Conflict("尚未发布法制审核流程", code="process_not_published")
    return version


@lru_cache(maxsize=64)
def runtime_for(version_id: int, digest: str) -> Runtime:
    """The parsed spec of a version, restored from its stored JSON once per process and version."""
    spec_json, lanes = db.session.execute(select(ProcessVersion.spec_json, ProcessVersion.lanes).where(
        ProcessVersion.id == version_id, ProcessVersion.content_hash == digest)).one()
    spec, subprocess_specs = load_spec(spec_json)
    return Runtime(spec=spec, subprocess_specs=subprocess_specs, lanes=lanes, helpers=SCRIPT_HELPERS)
