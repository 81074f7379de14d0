"""Notices by e-mail: a user's choice and address, the agency's SMTP server, sent by the worker to a real
(local) SMTP server; a failing server fails only the mail job, which retries and then becomes an incident."""
import socket
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from freezegun import freeze_time

from review_service.db_types import utcnow
from review_service.jobs.worker import work_once

from ..factories import find_issues, under_review


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, message_from_bytes(envelope.content,
                                                                                        policy=default)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


def _configure(as_user, port: int, kinds=("opinion.returned",), email="handler@example.gov.cn"):
    server = {"host": "127.0.0.1", "port": port, "sender": "fzsh@example.gov.cn", "starttls": False}
    assert as_user("admin").put("/api/v1/notifications/mail-server", json=server).status_code == 200
    settings = {"email": email, "mail_kinds": list(kinds)}
    response = as_user("handler").put("/api/v1/notifications/settings", json=settings)
    assert response.status_code == 200 and response.get_json() == settings


def test_a_chosen_notice_is_mailed_by_the_worker_in_chinese(app, as_user, smtp_server):
    port, inbox = smtp_server
    _configure(as_user, port)
    case_id = under_review(as_user)
    find_issues(as_user, case_id)  # opinion.returned for the handler (chosen); task.assigned etc. not chosen
    assert inbox.messages == []  # the request sent nothing
    with app.app_context():
        assert {r.outcome for r in work_once("w")} == {"done"}  # the sweep queues one send job
        assert [r.outcome for r in work_once("w")] == ["done"]  # which sends
    [(mail_from, rcpt, message)] = inbox.messages
    assert mail_from == "fzsh@example.gov.cn" and rcpt == ["handler@example.gov.cn"]
    assert str(make_header(decode_header(message["Subject"]))) == "【法制审核】审核意见已返回"
    assert message["From"] == "fzsh@example.gov.cn" and "handler@example.gov.cn" in message["To"]
    body = message.get_content()
    assert "审核意见已返回，请处理" in body and "请登录法制审核系统" in body
    with app.app_context():
        assert [r.outcome for r in work_once("w")] == []  # nothing is sent twice


def test_a_notice_kind_not_chosen_is_not_mailed(app, as_user, smtp_server):
    port, inbox = smtp_server
    _configure(as_user, port, kinds=("decision.waiting",))
    find_issues(as_user, under_review(as_user))
    with app.app_context():
        work_once("w")
        assert work_once("w") == []
    assert inbox.messages == []


def test_a_failing_mail_server_fails_only_the_mail_job_which_retries_then_is_an_incident(app, as_user):
    _configure(as_user, _free_port())  # nothing listens there
    case_id = under_review(as_user)
    find_issues(as_user, case_id)
    assert as_user("handler").open_task(case_id, "respond_to_opinion")  # the hand-off itself succeeded
    with app.app_context():
        work_once("w")
        outcomes = []
        for attempt in range(5):
            with freeze_time(utcnow() + timedelta(hours=3 * (attempt + 1)), tick=True):
                outcomes += [r.outcome for r in work_once("w") if r.outcome != "done"]
    assert outcomes == ["failed"] * 4 + ["incident"]
    incidents = as_user("admin").get("/api/v1/incidents").get_json()
    assert any("ConnectionRefusedError" in (item.get("last_error") or "") for item in incidents["items"])


def test_settings_refuse_unknown_kinds_a_bad_address_and_non_admins(as_user):
    handler = as_user("handler")
    assert handler.put("/api/v1/notifications/settings",
                       json={"email": "x@example.com", "mail_kinds": ["no.such"]}).status_code == 422
    refused = handler.put("/api/v1/notifications/settings", json={"email": "不是邮箱", "mail_kinds": []})
    assert refused.status_code == 422
    assert handler.get("/api/v1/notifications/settings").get_json() == {"email": None, "mail_kinds": []}
    server = {"host": "smtp.example.gov.cn", "sender": "fzsh@example.gov.cn"}
    assert handler.put("/api/v1/notifications/mail-server", json=server).status_code == 403
    refused = as_user("admin").put("/api/v1/notifications/mail-server", json={**server, "username": "fzsh"})
    assert refused.status_code == 422 and "password_env" in refused.get_json()["error"]["fields"]
