"""The 5% rule (国办发〔2018〕118号; 粤 Art. 8): reviewers >= 5% of enforcement staff, as of any date.

A shortfall is a warning, never a block on work ("原则上").

Whether pooled 法律顾问/公职律师 count: the profile in force for the agency decides when it states
`pooled_advisors_count` (a published, versioned rule, e.g. a province's for all agencies below it);
when the profile is silent (the national default is), the agency's own `advisors_count_toward_ratio`.
"""
from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import func, select

from ..agencies.models import Agency
from ..agencies.tree import ancestor_ids, descendant_ids
from ..extensions import db
from ..persistence import among
from ..processes.profiles import profile_in_force, profiles_in_force
from .models import ENFORCEMENT_OFFICER, LEGAL_REVIEWER, POOLED_KINDS, StaffMember

RATIO_PERCENT = 5
RULES = {"reviewers_only": "法制审核人员数 ≥ 执法人员数 × 5%（向上取整）；法律顾问、公职律师不计入",
         "reviewers_and_pooled_advisors": "法制审核人员数（含可调用的法律顾问、公职律师）≥ 执法人员数 × 5%（向上取整）"}


def required_reviewers(officers: int) -> int:
    """ceil(5% × officers) in integers: 20 officers need 1 reviewer, 21 need 2, none need none."""
    return -(-officers * RATIO_PERCENT // 100)


@dataclass
class Staffing:
    agency_code: str
    agency_name: str
    on: date
    enforcement_staff: int
    legal_reviewers: int
    pooled_advisors: int
    reviewers: int
    required_reviewers: int
    shortfall: int
    compliant: bool
    rule: str
    rule_text: str
    rule_source: str  # process_profile | agency_setting: which setting decided whether pooled advisors count

    def as_dict(self) -> dict:
        """The fields as a dict (every value is a scalar: no deep copy, which a province's 3,000 rows would feel)."""
        return {name: getattr(self, name) for name in _STAFFING_FIELDS}


_STAFFING_FIELDS = tuple(field.name for field in fields(Staffing))


def _counts(agency_ids: list[int], on: date) -> dict[tuple[int, str], int]:
    query = (select(StaffMember.agency_id, StaffMember.kind, func.count(StaffMember.id))
             .where(among(StaffMember.agency_id, agency_ids), StaffMember.active_on_clause(on))
             .group_by(StaffMember.agency_id, StaffMember.kind))
    return {(agency_id, kind): count for agency_id, kind, count in db.session.execute(query)}


def _staffing(agency: Agency, on: date, counts: dict, pool_holders: list[int], profile: dict | None = None) -> Staffing:
    officers = counts.get((agency.id, ENFORCEMENT_OFFICER), 0)
    own = counts.get((agency.id, LEGAL_REVIEWER), 0)
    pooled = sum(counts.get((holder, kind), 0) for holder in pool_holders for kind in POOLED_KINDS)
    pooled_count, source = pooled_advisors_count(agency, profile)
    rule = "reviewers_and_pooled_advisors" if pooled_count else "reviewers_only"
    counted = own + pooled if pooled_count else own
    required = required_reviewers(officers)
    shortfall = max(required - counted, 0)
    return Staffing(agency.code, agency.name, on, officers, own, pooled, counted, required, shortfall,
                    shortfall == 0, rule, RULES[rule], source)


def pooled_advisors_count(agency: Agency, profile: dict | None = None) -> tuple[bool, str]:
    """(whether pooled advisors count, which setting said so): the profile if it states it, else the agency.

    profile: the agency's profile in force when the caller has it (profiles_in_force), else it is read."""
    stated = (profile if profile is not None else profile_in_force(agency)).get("pooled_advisors_count")
    if isinstance(stated, bool):
        return stated, "process_profile"
    return bool(agency.advisors_count_toward_ratio), "agency_setting"


def staffing_of(agency: Agency, on: date) -> Staffing:
    """One agency's figures on `on`; pooled advisors are those held by it or any agency above it."""
    holders = ancestor_ids(agency.id)
    return _staffing(agency, on, _counts(holders, on), holders)


def staffing_rollup(agency: Agency, on: date, *, loaded: dict[int, Agency] | None = None) -> dict:
    """The agency and every agency below it, each judged on its own, plus totals.

    loaded: those agencies by id when the caller has them already (a province's 3,000 are not read twice)."""
    below = descendant_ids(agency.id)
    above = ancestor_ids(agency.id)
    counts = _counts(sorted(set(below) | set(above)), on)
    agencies = loaded if loaded is not None and set(below) <= set(loaded) else \
        {a.id: a for a in db.session.scalars(select(Agency).where(among(Agency.id, below)))}
    profiles = profiles_in_force(list(agencies.values()))
    rows = [_staffing(agencies[agency_id], on, counts, _holders(agencies, agency_id, above), profiles[agency_id])
            for agency_id in below]
    total = {key: sum(getattr(row, key) for row in rows)
             for key in ("enforcement_staff", "reviewers", "required_reviewers", "shortfall")}
    total["non_compliant_agencies"] = sum(not row.compliant for row in rows)
    return {"agency_code": agency.code, "on": on, "agencies": [row.as_dict() for row in rows], "total": total}


def _holders(agencies: dict, agency_id: int, above_root: list[int]) -> list[int]:
    chain, current = [], agencies.get(agency_id)
    while current is not None and current.id in agencies:
        chain.append(current.id)
        current = agencies.get(current.parent_id)
    return chain + above_root[1:]
