"""GET /api/v1/reports/review-work.xlsx: the review-work report for the justice department (备案)."""
import io

from flask import send_file
from flask_smorest import Blueprint

from ..accounts.auth import current_actor, require_actor
from .schemas import ReportQuerySchema
from .service import review_work
from .workbook import report_xlsx

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="报送司法行政部门的统计")
blp.before_request(require_actor)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blp.route("/review-work.xlsx", methods=["GET"])
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, description="the XLSX workbook", content_type=XLSX)
@blp.doc(responses={"200": {"description": "the XLSX workbook",
                            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}})
@blp.alt_response(403, description="role_required (supervisor or head) or agency_forbidden")
@blp.alt_response(404, description="agency_not_found")
def review_work_xlsx(query):
    """Cases reviewed, passed in round 1, issues per checklist point, average review time, overdue, transferred,
    decisions, and the reviewer roster, for the caller's agency (or a visible one) and those below it."""
    report = review_work(current_actor(), from_on=query["from_"], to_on=query["to"], agency_code=query.get("agency"))
    name = f"法制审核工作统计-{report['agency']['code']}-{report['from_on']}-{report['to_on']}.xlsx"
    return send_file(io.BytesIO(report_xlsx(report)), mimetype=XLSX, as_attachment=True, download_name=name)
