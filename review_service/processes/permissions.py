"""Who may publish an agency's process and catalog, or move its running cases."""
from ..accounts.roles import Actor, Role
from ..agencies.tree import within_reach
from ..errors import Forbidden


def check_designer(actor: Actor, agency) -> None:
    """流程设计人员 of the agency itself, or an administrator of it or an agency above; the CLI operator."""
    if getattr(actor, "is_operator", False):
        return
    if actor.has_role(Role.DESIGNER) and actor.agency_id == agency.id:
        return
    if actor.has_role(Role.ADMIN) and within_reach(actor, agency.id):
        return
    raise Forbidden("只有本机关的流程设计人员或系统管理员可以发布流程和目录", code="designer_required")
