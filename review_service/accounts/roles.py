"""Who acts: the role names (stable values, stored in user_roles and tasks, shown by the API) and the
`Actor` protocol every service takes as its explicit `actor` argument. Imports nothing of the package."""
from collections.abc import Collection
from enum import StrEnum
from typing import Protocol


class Role(StrEnum):
    """A role within one agency; a member equals its stored string ("reviewer" == Role.REVIEWER)."""

    HANDLER = "handler"
    REVIEWER = "reviewer"
    REVIEW_HEAD = "review_head"
    DEPUTY_HEAD = "deputy_head"
    HEAD = "head"
    DESIGNER = "designer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


ROLE_TITLES: dict[str, str] = {
    Role.HANDLER: "承办人", Role.REVIEWER: "法制审核人员", Role.REVIEW_HEAD: "法制审核机构负责人",
    Role.DEPUTY_HEAD: "分管负责人", Role.HEAD: "机关负责人", Role.DESIGNER: "流程设计人员",
    Role.SUPERVISOR: "监督人员", Role.ADMIN: "系统管理员"}
ROLES = tuple(Role)


class Actor(Protocol):
    """What a service reads from the acting user (accounts.models.User).

    commandline.OPERATOR stands in for one at the command line with id and agency_id None; it is passed only
    to the services that ask `is_operator` before reading them (agency and staff import, publishing, migration)."""

    @property
    def id(self) -> int: ...

    @property
    def agency_id(self) -> int: ...

    @property
    def full_name(self) -> str: ...

    @property
    def roles(self) -> Collection[str]: ...

    def has_role(self, role: str) -> bool: ...
