"""Publish process versions (BPMN + DMN + profile.json + catalog.json), resolve the one a case uses, cache runtimes.

Resolution: an agency's own latest version, else its nearest ancestor's, else the national default.
A folder workflows/<agency-code>/ is published for that agency the first time one of its cases needs
a version; afterwards changes are published explicitly (API or `flask review publish-process`).
"""
import json
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..accounts.roles import Role
from ..engine import ProcessDefinitionError, Runtime, content_hash, dump_spec, load_spec
from ..errors import Conflict
from ..extensions import db
from ..workdays.scripting import SCRIPT_HELPERS
from .models import ProcessVersion
from .validation import (
    CATALOG_FILE,
    PROFILE_FILE,
    check_definition,
    describe,
    is_definition_file,
    publish_check_problems,
)

PROCESS_ID = "legal_review"
# Lane id -> the role whose users work that lane's tasks.
LANE_ROLES = {"handling_unit": Role.HANDLER, "review_unit": Role.REVIEWER, "agency_head": Role.HEAD}


def read_process_files(folder: Path) -> dict[str, bytes]:
    """The definition files of a folder: *.bpmn, *.dmn, profile.json, catalog.json."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())
            if path.is_file() and is_definition_file(path.name)}


def complete_files(files: dict[str, bytes], base: dict[str, str] | None) -> dict[str, bytes]:
    """Fill what an upload leaves out from the version it replaces: the diagrams as a set, each JSON file alone."""
    base_files = {name: text.encode("utf-8") for name, text in (base or {}).items()}
    merged = dict(files)
    if not any(name.endswith((".bpmn", ".dmn")) for name in files):
        merged.update({name: data for name, data in base_files.items() if name.endswith((".bpmn", ".dmn"))})
    for name in (PROFILE_FILE, CATALOG_FILE):
        if name not in merged and name in base_files:
            merged[name] = base_files[name]
    return merged


def publish_version(files: dict[str, bytes], *, agency_id: int | None = None,
                    published_by_id: int | None = None, note: str | None = None) -> ProcessVersion:
    """Validate and store a version unless identical content is already the latest one. Caller commits.

    Files the upload leaves out are taken from the version the agency uses now. Raises
    ProcessDefinitionError listing every problem; nothing is stored then.
    """
    files = complete_files(files, _inherited_sources(agency_id))
    latest = latest_version(agency_id)
    digest = content_hash(files)
    if latest is not None and latest.content_hash == digest:
        return latest
    parsed = check_definition(files, PROCESS_ID, current_app.config["FORMS_DIR"],
                              more_problems=publish_check_problems(files, agency_id))
    number = (db.session.scalar(select(func.max(ProcessVersion.number)).where(
        _owner(agency_id), ProcessVersion.process_id == PROCESS_ID)) or 0) + 1
    version = ProcessVersion(agency_id=agency_id, process_id=PROCESS_ID, number=number, content_hash=digest,
                             sources={name: data.decode("utf-8") for name, data in files.items()},
                             spec_json=dump_spec(parsed.spec, parsed.subprocess_specs), lanes=parsed.lanes_by_name,
                             published_by_id=published_by_id, note=note)
    db.session.add(version)
    db.session.flush()
    return version


def _inherited_sources(agency_id: int | None) -> dict | None:
    """The sources of the version an upload replaces: the agency's latest, else what it inherits."""
    if agency_id is None:
        return None
    from ..agencies.models import Agency
    agency = db.session.get_one(Agency, agency_id)
    return (latest_version(agency_id) or version_for_new_case(agency.parent)).sources


def publish_default_version() -> ProcessVersion:
    folder = current_app.config["WORKFLOWS_DIR"] / "default"
    return publish_version(read_process_files(folder))


def _owner(agency_id: int | None):
    return ProcessVersion.agency_id.is_(None) if agency_id is None else ProcessVersion.agency_id == agency_id


def latest_version(agency_id: int | None) -> ProcessVersion | None:
    return db.session.scalar(select(ProcessVersion).where(_owner(agency_id), ProcessVersion.process_id == PROCESS_ID)
                             .order_by(ProcessVersion.number.desc()).limit(1))


def nearest_up_the_tree(agency, at_agency, at_top):
    """The inheritance rule of process versions: at_agency(each) for the agency, then its parent and so on up,
    the first answer that is not None; at_top() (the national default) when none answers."""
    while agency is not None:
        found = at_agency(agency)
        if found is not None:
            return found
        agency = agency.parent
    return at_top()


def version_for_new_case(agency) -> ProcessVersion:
    """The agency's own latest version, else its nearest ancestor's, else the national default.

    An agency folder under workflows/ met on the way up, or the default folder, is published on first use.
    """
    return nearest_up_the_tree(agency, lambda each: latest_version(each.id) or _publish_agency_folder(each),
                               _default_version)


def version_in_force(agency) -> ProcessVersion | None:
    """As version_for_new_case, but read only: published versions alone, nothing is published."""
    return nearest_up_the_tree(agency, lambda each: latest_version(each.id), lambda: latest_version(None))


def _default_version() -> ProcessVersion:
    version = latest_version(None) or _publish_once(publish_default_version, None)
    if version is None:
        raise Conflict("尚未发布法制审核流程", code="process_not_published")
    return version


def agency_folder(agency) -> Path | None:
    """The agency's own folder under workflows/, if it has one (default/ belongs to no agency)."""
    folder = current_app.config["WORKFLOWS_DIR"] / agency.code
    return folder if agency.code != "default" and folder.is_dir() else None


def _publish_agency_folder(agency) -> ProcessVersion | None:
    """First use of an agency that has its own folder under workflows/: publish it."""
    folder = agency_folder(agency)
    if folder is None:
        return None
    return _publish_once(lambda: publish_version(read_process_files(folder), agency_id=agency.id), agency.id)


def _publish_once(publish, agency_id: int | None) -> ProcessVersion | None:
    try:
        with db.session.begin_nested():
            return publish()
    except IntegrityError:  # another request published it first
        return latest_version(agency_id)
    except ProcessDefinitionError as exc:
        raise invalid_agency_process(exc.problems) from exc


def invalid_agency_process(problems) -> Conflict:
    """409 process_invalid: the agency's process folder does not pass the publishing checks."""
    return Conflict("本机关的流程定义无效，请流程设计人员修正后发布", code="process_invalid",
                    fields={"files": [describe(p) for p in problems]})


@lru_cache(maxsize=64)
def runtime_for(version_id: int, digest: str) -> Runtime:
    """The parsed spec of a version, restored from its stored JSON once per process and version."""
    spec_json, lanes = db.session.execute(select(ProcessVersion.spec_json, ProcessVersion.lanes).where(
        ProcessVersion.id == version_id, ProcessVersion.content_hash == digest)).one()
    spec, subprocess_specs = load_spec(spec_json)
    return Runtime(spec=spec, subprocess_specs=subprocess_specs, lanes=lanes, helpers=SCRIPT_HELPERS)


@lru_cache(maxsize=64)
def _json_source(version_id: int, digest: str, name: str) -> str | None:
    sources = db.session.scalar(select(ProcessVersion.sources).where(ProcessVersion.id == version_id,
                                                                     ProcessVersion.content_hash == digest))
    return (sources or {}).get(name)


def profile_of(version: ProcessVersion) -> dict:
    """The version's profile.json; the national default file for versions published without one."""
    return profile_of_version(version.id, version.content_hash)


def profile_of_version(version_id: int, digest: str) -> dict:
    return _json_of(version_id, digest, PROFILE_FILE)


def catalog_of(version: ProcessVersion) -> dict:
    return _json_of(version.id, version.content_hash, CATALOG_FILE)


def _json_of(version_id: int, digest: str, name: str) -> dict:
    text = _json_source(version_id, digest, name)
    if text is None:
        text = (current_app.config["WORKFLOWS_DIR"] / "default" / name).read_text(encoding="utf-8")
    return json.loads(text)
