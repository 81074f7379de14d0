"""监督看板: deadlines, cases per stage, working days per stage, staffing compliance.

The figures come from dashboard.service (which checks the role and the agencies in reach); this view
only reads the query, renders the tables and embeds the chart data as JSON for static/js/dashboard.js.
"""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import EXCLUDE, ValidationError

from ..dashboard.schemas import DashboardQuerySchema
from ..dashboard.service import dashboard_figures, dashboard_scope
from ..errors import InvalidInput, flatten_messages
from . import labels
from .i18n import select_locale
from .labels import DASHBOARD_ROLES
from .pages import page_blueprint
from .session import roles_required

bp = page_blueprint("web_dashboard", __name__, url_prefix="/dashboard")

PERIODS = (30, 90, 180, 365)  # days of completed tasks the average working days are taken over
WINDOWS = (1, 3, 5, 10)  # working days ahead that count as "due soon"


@bp.route("")
@roles_required(*DASHBOARD_ROLES)
def dashboard():
    query = _query()
    figures = dashboard_figures(current_user, agency_code=query.get("agency"),
                                within_working_days=query["within_working_days"], period_days=query["period_days"],
                                limit=query["limit"])
    choices = dashboard_scope(current_user).agencies
    return render_template("web/dashboard.html", figures=figures, charts=chart_data(figures), choices=choices,
                           stage_rows=stage_table(figures),
                           periods=sorted(set(PERIODS) | {query["period_days"]}),
                           windows=sorted(set(WINDOWS) | {query["within_working_days"]}), query=query)


def _query() -> dict:
    args = {key: value for key, value in request.args.items() if value.strip()}
    try:
        return DashboardQuerySchema(unknown=EXCLUDE).load(args)
    except ValidationError as exc:
        raise InvalidInput(_("Invalid input"), fields=flatten_messages(exc.messages)) from exc


def chart_data(figures: dict) -> dict:
    """What the three ECharts charts draw, with every label already in the page's language, and the case list's
    address a click on a figure opens (filtered to the cases behind it)."""
    return {
        "locale": "EN" if select_locale() == "en" else "ZH",
        "empty": _("No data"),
        "case_list": url_for("web_cases.index"),
        "stages": _stage_chart(figures),
        "times": _time_chart(figures["working_days_per_stage"]["stages"]),
        "staffing": _staffing_chart(figures["staffing"]["agencies"]),
    }


def stage_table(figures: dict) -> tuple[list[dict], list[dict]]:
    """The statuses that have cases and the agencies that have any, for the chart and its table."""
    stages = [row for row in figures["cases_per_stage"] if row["total"]]
    counted = [agency for agency in figures["agencies"]
               if any(a["cases"] for row in stages for a in row["by_agency"] if a["agency_code"] == agency["code"])]
    return stages, counted


def _stage_chart(figures: dict) -> dict:
    stages, counted = stage_table(figures)
    per_agency = {agency["code"]: [next(a["cases"] for a in row["by_agency"] if a["agency_code"] == agency["code"])
                                   for row in stages] for agency in counted}
    return {"categories": [labels.name(labels.CASE_STATUS, row["status"]) for row in stages],
            "statuses": [row["status"] for row in stages],
            "series": [{"name": agency["name"], "code": agency["code"], "data": per_agency[agency["code"]]}
                       for agency in counted],
            "axis": _("Cases")}


def _time_chart(times: list[dict]) -> dict:
    """Average elapsed hours per stage (work done within a day is not 0, as whole working days would be)."""
    return {"categories": [row["title"] for row in times],
            "average": [row["average_hours"] for row in times],
            "tasks": [row["tasks"] for row in times], "max": [row["max_hours"] for row in times],
            "working_days": [row["average_working_days"] for row in times],
            "average_label": _("Average hours"), "tasks_label": _("Completed tasks"),
            "max_label": _("Longest (hours)"), "working_days_label": _("Average working days"),
            "axis": _("Hours")}


def _staffing_chart(staffing: list[dict]) -> dict:
    """Required reviewers (grey) beside the reviewers there are: green where the 5% rule is met, red where
    not, as two series so that each colour has its own legend entry."""
    return {"categories": [row["agency_name"] for row in staffing],
            "reviewers": [row["reviewers"] for row in staffing],
            "required": [row["required_reviewers"] for row in staffing],
            "compliant": [row["compliant"] for row in staffing],
            "reviewers_label": _("Reviewers (enough)"), "short_label": _("Reviewers (too few)"),
            "required_label": _("Required reviewers")}
