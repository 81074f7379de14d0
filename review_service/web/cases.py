"""案件: the case list, the submission form (送审) and the case page."""
from flask import render_template

from .pages import page_blueprint

bp = page_blueprint("web_cases", __name__, url_prefix="/cases")


@bp.route("")
def index():
    return render_template("web/error.html", title="TODO", message="cases", code=None)


@bp.route("/new")
def new():
    return render_template("web/error.html", title="TODO", message="new", code=None)


@bp.route("/<int:case_id>")
def show(case_id):
    return render_template("web/error.html", title="TODO", message="case", code=None)
