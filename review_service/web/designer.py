"""流程设计: the agency's process versions, the BPMN modeler, validation and publishing.

The pages always work on the designer's own agency (current_user.agency); the processes service checks
the designer's right again on every read and publication (check_designer, publish_for_agency).
"""
import json

from flask import Response, current_app, flash, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.roles import Role
from ..agencies.models import Agency
from ..cases.service import running_cases_by_version
from ..edge import DATABASE_INT_MAX
from ..errors import Conflict, InvalidInput, ServiceError
from ..extensions import db
from ..headers import as_attachment
from ..processes.diagrams import diagram_time_limits, main_bpmn_name
from ..processes.element_diff import element_diff
from ..processes.permissions import check_designer
from ..processes.service import version_in_force
from ..processes.validation import PROFILE_FILE
from ..processes.versions import diff_versions, list_versions, publish_for_agency, version_by_number, version_file
from ..unit_of_work import discard
from .pages import page_blueprint
from .process_drafts import (
    DIFF_PROPERTY_TITLES,
    STEP_PROPERTY_TITLES,
    check_draft,
    draft_files,
    problem_rows,
    profile_editor_schema,
    publishers,
    time_limits_of,
)
from .session import roles_required

bp = page_blueprint("web_designer", __name__, url_prefix="/designer")


def _my_agency():
    agency = current_user.agency
    check_designer(current_user, agency)
    return agency


@bp.route("")
@roles_required(Role.DESIGNER)
def versions():
    agency = _my_agency()
    own = list_versions(agency)
    running = running_cases_by_version(agency)
    inherited = None if own else version_in_force(agency)
    return render_template("web/designer_versions.html", agency=agency, versions=list(reversed(own)),
                           current=own[-1] if own else None, inherited=inherited,
                           inherited_owner=_owner_name(inherited) if inherited else "",
                           names=publishers(own), running=running, limits={v.id: time_limits_of(v) for v in own},
                           running_by_id={version.id: n for version, n in running},
                           running_total=sum(n for _, n in running))


@bp.route("/versions/<int:number>/<path:name>")
@roles_required(Role.DESIGNER)
def download(number, name):
    """One file of one of the agency's versions, as a download."""
    text = version_file(version_by_number(_my_agency(), number), name)
    mimetype = "application/json" if name.endswith(".json") else "application/xml"
    return as_attachment(Response(text, mimetype=mimetype), f"v{number}-{name}")


@bp.route("/diff")
@roles_required(Role.DESIGNER)
def diff():
    """Text diff per file and the engine's summary of task changes between two of the agency's versions."""
    agency = _my_agency()
    old, new = request.args.get("from", type=int), request.args.get("to", type=int)
    if old is None or new is None or not (0 < old <= DATABASE_INT_MAX and 0 < new <= DATABASE_INT_MAX):
        raise InvalidInput(_("Choose the two versions to compare."), code="diff_versions_missing")
    before, after = version_by_number(agency, old), version_by_number(agency, new)
    old_bpmn = before.sources.get(main_bpmn_name(before.sources), "")
    new_bpmn = after.sources.get(main_bpmn_name(after.sources), "")
    return render_template("web/designer_diff.html", diff=diff_versions(agency, old, new), before=before,
                           after=after, old_bpmn=old_bpmn, new_bpmn=new_bpmn,
                           elements=element_diff(old_bpmn, new_bpmn),
                           property_titles={key: str(title) for key, title in DIFF_PROPERTY_TITLES.items()})


@bp.route("/editor")
@roles_required(Role.DESIGNER)
def editor():
    """The modeler on the diagram of the version a publication replaces, and the profile form."""
    agency = _my_agency()
    base = version_in_force(agency)
    if base is None:
        raise Conflict(_("No process has been published yet, not even the national default."),
                       code="process_not_published")
    # a version published without a profile runs on the national default file: start from that
    profile = base.sources.get(PROFILE_FILE) or \
        (current_app.config["WORKFLOWS_DIR"] / "default" / PROFILE_FILE).read_text(encoding="utf-8")
    bpmn_name = main_bpmn_name(base.sources)
    bpmn = base.sources.get(bpmn_name, "")
    return render_template("web/designer_editor.html", agency=agency, base=base,
                           own_base=base.agency_id == agency.id, base_owner=_owner_name(base),
                           bpmn_name=bpmn_name, bpmn=bpmn, profile=json.loads(profile),
                           profile_schema=profile_editor_schema(diagram_time_limits(bpmn)),
                           forms=sorted(path.name for path in current_app.config["FORMS_DIR"].glob("*.schema.json")),
                           property_titles={key: str(title) for key, title in STEP_PROPERTY_TITLES.items()})


@bp.route("/validate", methods=["POST"])
@roles_required(Role.DESIGNER)
def validate():
    """JSON {valid, problems: [{file, element, line, message}]}; nothing is stored."""
    agency = _my_agency()
    try:
        files = _draft(agency)
        problems = check_draft(agency, files, actor=current_user)
    except ServiceError as error:
        return _refusal(error)
    discard()
    return jsonify(valid=not problems, problems=problems)


@bp.route("/publish", methods=["POST"])
@roles_required(Role.DESIGNER)
def publish():
    """Publish the draft as the agency's next version (one transaction); JSON {number, created, redirect}.
    The change note (form field note) is required: it is stored with the version and shown in the list."""
    agency = _my_agency()
    try:
        note = (request.form.get("note") or "").strip()
        if not note:
            raise InvalidInput(_("Say what changed in this version (change note) before publishing."),
                               code="change_note_missing")
        version, created = publish_for_agency(agency, _draft(agency), actor=current_user, note=note)
    except ServiceError as error:
        return _refusal(error)
    if created:
        flash(_("Version %(n)s published.", n=version.number), "success")
    else:
        flash(_("Nothing changed: version %(n)s is identical, no new version was published.", n=version.number),
              "success")
    return jsonify(number=version.number, created=created, redirect=url_for("web_designer.versions"))


def _draft(agency) -> dict[str, bytes]:
    """The upload made of the posted draft; 409 if another version was published since the editor opened."""
    base = version_in_force(agency)
    opened_on = request.form.get("base_hash")
    if opened_on and base is not None and opened_on != base.content_hash:
        raise Conflict(_("Another version (%(n)s) was published after you opened the editor. Reload the editor "
                         "to start from it; your changes here were not published.", n=base.number),
                       code="process_changed_meanwhile")
    return draft_files(base, request.form.get("bpmn"), request.form.get("profile"))


def _refusal(error: ServiceError):
    """A refusal as JSON for the editor's script: a readable message and, if any, every problem."""
    discard()
    problems = problem_rows(error) if isinstance(error, InvalidInput) and error.fields.get("files") else []
    return jsonify(valid=False, code=error.code, message=error.message, problems=problems), error.status


def _owner_name(version) -> str:
    if version.agency_id is None:
        return _("National default")
    return db.session.get_one(Agency, version.agency_id).name
