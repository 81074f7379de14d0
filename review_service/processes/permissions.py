"""Who may read an agency's process versions and catalog, publish them, or move its running cases."""
from ..accounts.roles import Actor, Role
from ..agencies.service import agency_by_code
from ..agencies.tree import ancestor_ids, within_reach
from ..errors import Forbidden, NotFound


def check_readable(actor: Actor, agency) -> None:
    """The versions and catalog an agency's users work under: their own agency's and those of the agencies above
    it (inherited; the national default has no agency and is read through them); supervisors and administrators
    also those of every agency below theirs; the CLI operator all. 404 agency_not_found otherwise."""
    if getattr(actor, "is_operator", False) or agency.id in ancestor_ids(actor.agency_id):
        return
    if (actor.has_role(Role.SUPERVISOR) or actor.has_role(Role.ADMIN)) and within_reach(actor, agency.id):
        return
    raise NotFound("机关不存在", code="agency_not_found")


def check_designer(actor: Actor, agency) -> None:
    """流程设计人员 of the agency itself, or an administrator of it or an agency above; the CLI operator."""
    if getattr(actor, "is_operator", False):
        return
    if actor.has_role(Role.DESIGNER) and actor.agency_id == agency.id:
        return
    if actor.has_role(Role.ADMIN) and within_reach(actor, agency.id):
        return
    raise Forbidden("只有本机关的流程设计人员或系统管理员可以发布流程和目录", code="designer_required")


def readable_agency(code: str, *, actor: Actor):
    """The agency with this code if the actor may read its processes and catalog (check_readable)."""
    agency = agency_by_code(code)
    check_readable(actor, agency)
    return agency
