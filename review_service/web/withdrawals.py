"""撤回公示信息: the handler or the head records a changing or revoking decision received for a decided case,
which opens the withdrawal task and its time limit (deadlines.withdrawals, the same service as the API)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import ValidationError
from marshmallow.validate import Length

from ..cases.service import get_case
from ..deadlines.schemas import WithdrawalRequestSchema
from ..deadlines.withdrawals import check_withdrawable, withdraw_publication
from ..errors import InvalidInput
from ..unit_of_work import discard
from .forms import form_page_errors
from .i18n import long_date
from .pages import page_blueprint

bp = page_blueprint("web_withdrawals", __name__, url_prefix="/cases")
FIELDS = ("received_on", "document", "reason")
HINTS = {
    "received_on": _l("Enter the date the changing or revoking decision was received."),
    "document": _l("Name the document that changed or revoked the decision, %(min)s to %(max)s characters."),
    "reason": _l("Give the reason for the withdrawal, %(min)s to %(max)s characters."),
}


@bp.route("/<int:case_id>/withdrawals")
def form(case_id):
    """The form alone (the case page shows it too); 403/404/409 as a page when the case allows none."""
    case = _withdrawable(case_id)
    return render_template("web/withdrawal.html", case=case, values={}, errors=None)


@bp.route("/<int:case_id>/withdrawals", methods=["POST"])
def withdraw(case_id):
    case = _withdrawable(case_id)
    values = {name: request.form.get(name, "").strip() for name in FIELDS}
    try:
        task = withdraw_publication(case_id, actor=current_user, **_validated(values))
    except InvalidInput as refusal:
        discard()  # the form shows the case as it was
        return render_template("web/withdrawal.html", case=case, values=values,
                               errors=form_page_errors(refusal)), refusal.status
    due = task.deadline.due_on
    flash(_("Withdrawal opened: “%(step)s”, due on %(due)s.", step=task.title, due=long_date(due)) if due else
          _("Withdrawal opened: “%(step)s”; its due date follows once the calendar covers it.", step=task.title),
          "success")
    return redirect(url_for("web_cases.show", case_id=case_id))


def _withdrawable(case_id: int):
    """The case, if the user may open a withdrawal on it now; otherwise the service's refusal (an error page)."""
    case = get_case(case_id, actor=current_user)
    check_withdrawable(current_user, case)
    return case


def _validated(values: dict) -> dict:
    """The API's request schema decides; a refused field gets a readable hint in the page's language."""
    schema = WithdrawalRequestSchema()
    try:
        return schema.load({name: value for name, value in values.items() if value})
    except ValidationError as exc:
        fields = {name: [str(HINTS[name]) % _limits(schema, name)] for name in FIELDS if name in exc.messages}
        raise InvalidInput(_("The withdrawal was not opened. Correct the marked fields."), fields=fields) from exc


def _limits(schema, name: str) -> dict:
    lengths = [v for v in schema.fields[name].validators if isinstance(v, Length)]
    return {"min": lengths[0].min, "max": lengths[0].max} if lengths else {}
