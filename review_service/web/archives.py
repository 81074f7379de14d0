"""电子案卷 and 统计报表 pages: the case page's package list and build button, the download, the verification
upload, and the dashboard's report download. Thin: the services of archives/ and reports/ decide."""
import io
from datetime import date

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..archives.service import get_package, package_file, request_package
from ..archives.verify import verify_package
from ..errors import InvalidInput
from ..reports.api import XLSX
from ..reports.service import REPORT_ROLES, review_work
from ..reports.workbook import report_xlsx
from .pages import page_blueprint
from .session import roles_required

bp = page_blueprint("web_archives", __name__)


@bp.route("/cases/<int:case_id>/archive-packages", methods=["POST"])
def request_build(case_id):
    request_package(case_id, actor=current_user)
    flash(_("The archive package is being built; it appears on this page in a moment."), "success")
    return redirect(url_for("web_cases.show", case_id=case_id, _anchor="archive-packages"))


@bp.route("/archive-packages/<int:package_id>/download")
def download(package_id):
    package = get_package(package_id, actor=current_user)
    return send_file(package_file(package), mimetype="application/zip", as_attachment=True,
                     download_name=package.filename)


@bp.route("/archive-packages/verify", methods=["GET", "POST"])
def verify():
    result = None
    if request.method == "POST":
        file = request.files.get("file")
        if file is None or not file.filename:
            raise InvalidInput(_("Choose the package file to check."), fields={"file": [_("required")]})
        result = verify_package(file.stream)
    return render_template("web/archive_verify.html", result=result, lines=result.lines() if result else [])


@bp.route("/dashboard/review-work.xlsx")
@roles_required(*REPORT_ROLES)
def report():
    try:
        from_on, to_on = date.fromisoformat(request.args["from"]), date.fromisoformat(request.args["to"])
    except (KeyError, ValueError):
        raise InvalidInput(_("Give the period as two dates."), fields={"from": [_("required")]}) from None
    figures = review_work(current_user, from_on=from_on, to_on=to_on, agency_code=request.args.get("agency") or None)
    name = f"法制审核工作统计-{figures['agency']['code']}-{from_on}-{to_on}.xlsx"
    return send_file(io.BytesIO(report_xlsx(figures)), mimetype=XLSX, as_attachment=True,
                     download_name=name)
