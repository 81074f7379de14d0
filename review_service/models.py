"""Imports every model so metadata (and Alembic autogenerate) sees all tables."""
from .accounts.models import ApiToken, User, UserRole  # noqa: F401
from .agencies.models import Agency  # noqa: F401
from .archives.models import ArchivePackage  # noqa: F401
from .attachments.models import Attachment  # noqa: F401
from .audit.models import CaseEvent  # noqa: F401
from .cases.models import (  # noqa: F401
    Case,
    Decision,
    Material,
    Opinion,
    Task,
)
from .dashboard.models import CaseStatusCount, CompletedTaskCount  # noqa: F401
from .deadlines.models import Deadline, ExtensionRequest  # noqa: F401
from .documents.models import CaseDocument, DocumentCounter  # noqa: F401
from .jobs.models import DueJob  # noqa: F401
from .mail.models import AgencyMailServer, NoticePreference  # noqa: F401
from .notifications.models import Notification  # noqa: F401
from .processes.models import ProcessVersion, WorkflowInstance  # noqa: F401
from .staffing.models import (  # noqa: F401
    AssignmentProblem,
    Recusal,
    StaffMember,
)
from .tasks.models import TaskDraft  # noqa: F401
from .users.models import AccountEvent  # noqa: F401
from .workdays.models import CalendarAdjustment, CalendarArrangement, CalendarArrangementDay  # noqa: F401
