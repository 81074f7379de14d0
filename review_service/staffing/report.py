"""Who may read a staffing report, and the report itself (one agency or rolled up)."""
from datetime import date

from ..accounts.roles import Actor, Role
from ..agencies.tree import within_reach
from ..china_time import today_in_china as today
from ..errors import Forbidden
from .rule import staffing_of, staffing_rollup


def check_can_read_report(actor: Actor, agency) -> None:
    """The agency's own users; administrators and supervisors of any agency above it."""
    if actor.agency_id == agency.id:
        return
    if (actor.has_role(Role.ADMIN) or actor.has_role(Role.SUPERVISOR)) and within_reach(actor, agency.id):
        return
    raise Forbidden("无权查看该机关的人员配备情况", code="report_forbidden")


def staffing_report(agency, *, actor: Actor, on: date | None = None, rollup: bool = False,
                    loaded: dict | None = None) -> dict:
    """One agency's figures, or (rollup) every agency's below it; loaded: see staffing_rollup."""
    check_can_read_report(actor, agency)
    on = on or today()
    return staffing_rollup(agency, on, loaded=loaded) if rollup else staffing_of(agency, on).as_dict()
