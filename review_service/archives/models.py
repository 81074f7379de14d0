"""Archive packages (电子案卷): one ZIP per build, kept on disk beside the attachments, never overwritten."""
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model


class ArchivePackage(Model):
    """A built archive package of a case: version n of its 案卷, sealed with the history head at build time."""

    __tablename__ = "archive_packages"
    __table_args__ = (UniqueConstraint("case_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    version: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(String(16))  # archiving_step | on_demand
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(255))  # the download name
    stored_as: Mapped[str] = mapped_column(String(255))  # path under ATTACHMENTS_DIR/archives
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))  # of the whole ZIP
    chain_seq: Mapped[int] = mapped_column(Integer)  # the history head the manifest is sealed with
    chain_hash: Mapped[str] = mapped_column(String(64))
    files: Mapped[int] = mapped_column(Integer)
    built_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    requested_by = relationship("User", viewonly=True)
