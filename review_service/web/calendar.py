"""节假日安排: an administrator types a year's arrangement from the State Council notice, previews it as a
month grid with its warnings, and loads it (the same file format and service as `flask review calendar load`).

The form's two text areas are the file's two lists: one holiday per line (`名称 起始日 结束日`, the end
day may be left out for a one-day holiday) and the make-up working days (dates separated by spaces,
commas or lines). A JSON file of the CLI's format may be uploaded instead to fill the form.
"""
import json
import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.roles import Role
from ..china_time import today_in_china
from ..errors import ServiceError
from ..workdays.drafts import month_grid
from ..workdays.service import check_calendar_admin, describe_years, load_arrangement, preview_arrangement
from .pages import page_blueprint
from .session import roles_required

bp = page_blueprint("web_calendar", __name__, url_prefix="/admin/calendar")

DATE = r"\d{4}-\d{1,2}-\d{1,2}"
HOLIDAY_LINE = re.compile(rf"^(?P<name>.+?)\s+(?P<start>{DATE})(?:\s*(?:至|到|~|～|—|-|\s)\s*(?P<end>{DATE}))?$")


def _iso(text: str) -> str:
    year, month, day = (int(part) for part in text.split("-"))
    return f"{year:04d}-{month:02d}-{day:02d}"


def document_from_form(form) -> tuple[dict, list[str]]:
    """The arrangement file typed into the form, and the lines that could not be read."""
    problems, holidays = [], []
    for number, line in enumerate(form.get("holidays", "").splitlines(), start=1):
        if not line.strip():
            continue
        match = HOLIDAY_LINE.match(line.strip())
        if match is None:
            problems.append(_("Holidays, line %(number)d: write “name start-date [end-date]”, dates as YYYY-MM-DD.",
                              number=number))
            continue
        start = _iso(match["start"])
        end = _iso(match["end"]) if match["end"] else start
        holidays.append({"name": match["name"].strip(), "from": start, "to": end})
    make_ups = []
    for token in re.split(r"[\s,，、;；]+", form.get("make_up_working_days", "")):
        if token:
            if re.fullmatch(DATE, token):
                make_ups.append(_iso(token))
            else:
                problems.append(_("Make-up working days: “%(text)s” is not a date (YYYY-MM-DD).", text=token))
    document = {"year": int(form["year"]) if form.get("year", "").strip().isdigit() else form.get("year"),
                "notice": form.get("notice", "").strip(), "holidays": holidays, "make_up_working_days": make_ups}
    if form.get("notice_date"):
        document["notice_date"] = form["notice_date"]
    if form.get("example") == "1":
        document["example"] = True
    return document, problems


def form_from_document(document: dict) -> dict:
    """The form's fields for an uploaded arrangement file."""
    holidays, make_ups = document.get("holidays"), document.get("make_up_working_days")
    lines = [f"{h.get('name', '')} {h.get('from', '')} {h.get('to', '')}".strip()
             for h in (holidays if isinstance(holidays, list) else []) if isinstance(h, dict)]
    return {"year": str(document.get("year", "")), "notice": str(document.get("notice", "")),
            "notice_date": str(document.get("notice_date") or ""), "holidays": "\n".join(lines),
            "make_up_working_days": " ".join(str(day) for day in (make_ups if isinstance(make_ups, list) else [])),
            "example": "1" if document.get("example") is True else ""}


def _uploaded_form() -> tuple[dict | None, list[str]]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, []
    try:
        document = json.loads(upload.read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, [_("The uploaded file is not a JSON arrangement file.")]
    if not isinstance(document, dict):
        return None, [_("The uploaded file is not a JSON arrangement file.")]
    return form_from_document(document), []


def _page(form: dict, status: int = 200, *, problems=(), refusal: ServiceError | None = None):
    preview = None
    if form:
        document, unreadable = document_from_form(form)
        problems = [*problems, *unreadable]
        preview = preview_arrangement(document)
        if preview["year"]:
            flagged = {day for warning in preview["warnings"] for day in warning.days}
            preview["months"] = month_grid(preview["year"], preview["holidays"], preview["make_ups"], flagged)
    return render_template("web/calendar.html", years=describe_years(), form=form, preview=preview,
                           problems=problems, refusal=refusal, today=today_in_china(), may_load=_may_load()), status


def _may_load() -> bool:
    try:
        check_calendar_admin(current_user)
    except ServiceError:
        return False
    return True


@bp.route("")
@roles_required(Role.ADMIN)
def index():
    return _page({})


@bp.route("", methods=["POST"])
@roles_required(Role.ADMIN)
def submit():
    check_calendar_admin(current_user)
    uploaded, problems = _uploaded_form()
    form = uploaded or request.form.to_dict()
    if uploaded or problems or request.form.get("action") != "load":
        return _page(form, 422 if problems else 200, problems=problems)
    document, unreadable = document_from_form(form)
    if unreadable:
        return _page(form, 422)
    try:
        loaded = load_arrangement(document, source="page", allow_example=form.get("allow_example") == "1",
                                  accept_warnings=form.get("accept_warnings") == "1")
    except ServiceError as refusal:
        return _page(form, 422, refusal=refusal)
    flash(_("The %(year)d arrangement is loaded (revision %(revision)d): %(days)d days changed, %(moved)d open "
            "deadlines recomputed.", year=loaded.year, revision=loaded.revision, days=len(loaded.changed_days),
            moved=loaded.deadlines_recomputed), "success")
    return redirect(url_for("web_calendar.index"))
