"""监督看板: deadlines, cases per stage, working days per stage, staffing compliance.

The figures come from dashboard.service (which checks the role and the agencies in reach); this view
only reads the query, renders the tables and embeds the chart data as JSON for static/js/dashboard.js.
"""
from flask import render_template, request
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
                           periods=sorted(set(PERIODS) | {query["period_days"]}),
                           windows=sorted(set(WINDOWS) | {query["within_working_days"]}), query=query)


def _query() -> dict:
    args = {key: value for key, value in request.args.items() if value.strip()}
    try:
        return DashboardQuerySchema(unknown=EXCLUDE).load(args)
    except ValidationError as exc:
        raise InvalidInput(_("Invalid input"), fields=flatten_messages(exc.messages)) from exc


def chart_data(figures: dict) -> dict:
    """What the three ECharts charts draw, with every label already in the page's language."""
    names = {agency["code"]: agency["name"] for agency in figures["agencies"]}
    stages = [row for row in figures["cases_per_stage"] if row["total"]]
    counted = [code for code in names if any(a["cases"] for row in stages for a in row["by_agency"]
                                             if a["agency_code"] == code)]
    per_agency = {code: [next(a["cases"] for a in row["by_agency"] if a["agency_code"] == code) for row in stages]
                  for code in counted}
    times = figures["working_days_per_stage"]["stages"]
    staffing = figures["staffing"]["agencies"]
    return {
        "locale": "EN" if select_locale() == "en" else "ZH",
        "empty": _("No data"),
        "stages": {"categories": [labels.name(labels.CASE_STATUS, row["status"]) for row in stages],
                   "series": [{"name": names[code], "data": per_agency[code]} for code in counted],
                   "axis": _("Cases")},
        "times": {"categories": [row["title"] for row in times],
                  "average": [row["average_working_days"] for row in times],
                  "tasks": [row["tasks"] for row in times], "max": [row["max_working_days"] for row in times],
                  "average_label": _("Average working days"), "tasks_label": _("Completed tasks"),
                  "max_label": _("Longest (working days)")},
        "staffing": {"categories": [row["agency_name"] for row in staffing],
                     "reviewers": [row["reviewers"] for row in staffing],
                     "required": [row["required_reviewers"] for row in staffing],
                     "compliant": [row["compliant"] for row in staffing],
                     "reviewers_label": _("Reviewers"), "required_label": _("Required reviewers")},
    }
