"""Notices by e-mail, sent by the worker, never by a request.

A request only writes the notice (mail_state NULL). The mail sweep (a due job that re-arms itself every
MAIL_SWEEP_INTERVAL while any agency has an SMTP server) turns new notices into one send job each for a
user who has an address and chose that kind, and whose agency (or the nearest one above it) has an SMTP
server; every other notice is marked "none". A send job that fails retries with the jobs' backoff and
then becomes an incident an admin can retry; it never touches a task.
"""
import os
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr

from sqlalchemy import select

from ..accounts.models import User
from ..agencies.tree import ancestor_ids
from ..db_types import utcnow
from ..extensions import db
from ..jobs.models import PENDING, DueJob
from ..jobs.service import add_new_jobs
from ..notifications.kinds import NOTICE_KINDS
from ..notifications.models import Notification
from .models import AgencyMailServer, NoticePreference

MAIL_SWEEP, SEND_MAIL = "notifications.mail_sweep", "notifications.send_mail"
TEST_MAIL = "notifications.test_mail"
MAIL_SWEEP_INTERVAL = timedelta(minutes=1)
SWEEP_BATCH = 500


def ensure_mail_sweep() -> None:
    """Make sure one sweep job is pending (called when mail settings change), in the caller's unit of work."""
    if db.session.scalar(select(DueJob.id).where(DueJob.kind == MAIL_SWEEP, DueJob.status == PENDING)) is None:
        add_new_jobs([{"kind": MAIL_SWEEP, "due_at": utcnow(), "case_id": None, "payload": {}, "dedupe_key": None}])


def sweep_notices(job) -> None:
    """Job handler: queue a send job per new notice to mail, mark the rest, and re-arm while a server exists."""
    query = select(Notification).where(Notification.mail_state.is_(None)).order_by(Notification.id).limit(SWEEP_BATCH)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    notices = list(db.session.scalars(query))
    wanted = _mail_wanted(notices)
    for notice in notices:
        notice.mail_state = "queued" if notice.id in wanted else "none"
    add_new_jobs([{"kind": SEND_MAIL, "due_at": utcnow(), "case_id": None, "dedupe_key": f"mail:{notice.id}",
                   "payload": {"notification_id": notice.id}} for notice in notices if notice.id in wanted])
    if db.session.scalar(select(AgencyMailServer.agency_id).limit(1)) is not None:
        add_new_jobs([{"kind": MAIL_SWEEP, "due_at": utcnow() + MAIL_SWEEP_INTERVAL, "case_id": None,
                       "payload": {}, "dedupe_key": None}])


def _mail_wanted(notices: list[Notification]) -> set[int]:
    """Ids of the notices whose user has an address, chose the kind, and whose agency can send mail."""
    user_ids = {notice.user_id for notice in notices}
    if not user_ids:
        return set()
    rows = db.session.execute(select(NoticePreference.user_id, NoticePreference.email, NoticePreference.mail_kinds,
                                     User.agency_id).join(User, User.id == NoticePreference.user_id)
                              .where(NoticePreference.user_id.in_(user_ids), NoticePreference.email.is_not(None)))
    choices = {row.user_id: (set(row.mail_kinds or ()), row.agency_id) for row in rows}
    servers = {}
    wanted = set()
    for notice in notices:
        kinds, agency_id = choices.get(notice.user_id, (set(), None))
        if notice.kind not in kinds:
            continue
        if agency_id not in servers:
            servers[agency_id] = mail_server_for(agency_id) is not None
        if servers[agency_id]:
            wanted.add(notice.id)
    return wanted


def mail_server_for(agency_id: int) -> AgencyMailServer | None:
    """The agency's SMTP server, else the nearest agency's above it (None: no mail)."""
    chain = ancestor_ids(agency_id)  # the agency itself first, then upwards
    rows = {row.agency_id: row for row in db.session.scalars(
        select(AgencyMailServer).where(AgencyMailServer.agency_id.in_(chain)))}
    return next((rows[agency] for agency in chain if agency in rows), None)


def send_notice_mail(job) -> None:
    """Job handler: send one notice by SMTP; raise on any failure (the job retries, then is an incident)."""
    notice = db.session.get(Notification, job.payload["notification_id"])
    if notice is None or notice.mail_state != "queued":
        return
    preference = db.session.get(NoticePreference, notice.user_id)
    user = db.session.get(User, notice.user_id)
    assert user is not None  # a notice belongs to a user (foreign key)
    server = mail_server_for(user.agency_id)
    if preference is None or not preference.email or server is None:
        notice.mail_state = "none"  # the address or the server went away meanwhile
        return
    deliver(server, compose(notice, server, to=preference.email, name=user.full_name))
    notice.mail_state = "sent"


def send_test_mail(job) -> None:
    """Job handler: the admin's "send test mail" through the agency's own server; a failure is the job's error."""
    server = db.session.get(AgencyMailServer, job.payload["agency_id"])
    if server is None:
        return  # the server was removed meanwhile
    message = EmailMessage()
    message["Subject"] = "【法制审核】测试邮件"
    message["From"] = server.sender
    message["To"] = formataddr((job.payload["name"], job.payload["to"]))
    message.set_content(f"{job.payload['name']}，您好：\n\n这是法制审核系统的测试邮件，"
                        "收到即说明本机关的邮件服务器设置可用。\n（本邮件由系统自动发送，请勿回复。）\n")
    deliver(server, message)


def compose(notice: Notification, server: AgencyMailServer, *, to: str, name: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"【法制审核】{NOTICE_KINDS.get(notice.kind, '通知')}"
    message["From"] = server.sender
    message["To"] = formataddr((name, to))
    message.set_content(f"{name}，您好：\n\n{notice.message}\n\n请登录法制审核系统，在“通知”页查看并办理。\n"
                        "（本邮件由系统自动发送，请勿回复。）\n")
    return message


def deliver(server: AgencyMailServer, message: EmailMessage) -> None:
    """One SMTP session: connect, STARTTLS if set, log in if a user is set, send."""
    with smtplib.SMTP(server.host, server.port, timeout=30) as smtp:
        if server.starttls:
            smtp.starttls()
        if server.username:
            password = os.environ.get(server.password_env or "")
            if password is None:
                raise RuntimeError(f"SMTP password variable {server.password_env!r} is not set")
            smtp.login(server.username, password)
        smtp.send_message(message)
