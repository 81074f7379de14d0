"""Staff records (people in a role at an agency), declared conflicts of interest, and cases nobody eligible can
review."""
from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model, db

ENFORCEMENT_OFFICER, LEGAL_REVIEWER = "enforcement_officer", "legal_reviewer"
LEGAL_ADVISOR, PUBLIC_LAWYER = "legal_advisor", "public_lawyer"
KIND_TITLES = {ENFORCEMENT_OFFICER: "执法人员", LEGAL_REVIEWER: "法制审核人员",
               LEGAL_ADVISOR: "法律顾问", PUBLIC_LAWYER: "公职律师"}
KINDS = tuple(KIND_TITLES)
POOLED_KINDS = (LEGAL_ADVISOR, PUBLIC_LAWYER)  # held by an agency, usable by every agency below it
REVIEWING_KINDS = (LEGAL_REVIEWER, *POOLED_KINDS)


class StaffMember(Model):
    """One person in one role at one agency, active from valid_from until valid_until / deactivated_on."""

    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(100))
    enforcement_certificate_no: Mapped[str | None] = mapped_column(String(64))  # 执法证号
    legal_qualification_no: Mapped[str | None] = mapped_column(String(64))  # 法律职业资格证书编号
    first_reviewed_on = mapped_column(Date, nullable=True)  # first reviewed a penalty decision
    valid_from = mapped_column(Date, nullable=False)  # 执法证 valid from / appointed on
    valid_until = mapped_column(Date, nullable=True)  # last valid day (执法证 expiry), inclusive
    deactivated_on = mapped_column(Date, nullable=True)  # first day no longer active
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    agency = relationship("Agency")
    user = relationship("User")

    def active_on(self, day: date) -> bool:
        return (self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)
                and (self.deactivated_on is None or day < self.deactivated_on))

    @classmethod
    def active_on_clause(cls, day: date):
        """SQL form of active_on()."""
        return db.and_(cls.valid_from <= day, db.or_(cls.valid_until.is_(None), cls.valid_until >= day),
                       db.or_(cls.deactivated_on.is_(None), cls.deactivated_on > day))


class Recusal(Model):
    """A reviewer's declared conflict of interest in one case (回避); they may not review it."""

    __tablename__ = "recusals"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    declared_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    user = relationship("User")


class AssignmentProblem(Model):
    """The flag on a case whose review task found no eligible reviewer; cleared once someone is assigned."""

    __tablename__ = "assignment_problems"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(Text)
    raised_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
