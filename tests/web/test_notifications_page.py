"""The notifications page and the unread badge in the navigation."""
from review_service.accounts.models import User
from review_service.extensions import db
from review_service.notifications.models import Notification
from review_service.notifications.service import notify


def _notify(app, username: str, message: str, case_id=None) -> int:
    with app.app_context():
        user = db.session.query(User).filter_by(username=username).one()
        notify([user.id], kind="deadline.reminder", message=message, case_id=case_id)
        db.session.commit()
        return db.session.query(Notification).filter_by(user_id=user.id).order_by(Notification.id.desc()).first().id


def test_unread_notification_shows_and_can_be_marked_read(app, page_as):
    notification_id = _notify(app, "reviewer", "市监罚〔2026〕1号 审核期限明日届满")
    reviewer = page_as("reviewer")
    html = reviewer.get("/notifications").get_data(as_text=True)
    assert "审核期限明日届满" in html
    assert 'id="nav-notifications"' in html and 'badge bg-danger">1<' in html
    assert reviewer.post(f"/notifications/{notification_id}/read").status_code == 302
    html = reviewer.get("/notifications?unread=1").get_data(as_text=True)
    assert "审核期限明日届满" not in html and 'badge bg-danger' not in html


def test_someone_elses_notification_cannot_be_marked(app, page_as):
    notification_id = _notify(app, "reviewer", "只给审核人员的通知")
    response = page_as("handler").post(f"/notifications/{notification_id}/read")
    assert response.status_code == 404
    assert "只给审核人员的通知" not in page_as("handler").get("/notifications").get_data(as_text=True)


def test_the_settings_page_saves_an_address_and_the_kinds_that_come_by_mail(page_as, as_user):
    handler = page_as("handler")
    html = handler.get("/notifications/settings").get_data(as_text=True)
    assert "通知设置" in html and "审核意见已返回" in html and "同时发送邮件" in html
    response = handler.post("/notifications/settings", data={"email": "handler@example.gov.cn",
                                                             "mail_kinds": ["opinion.returned", "decision.waiting"]})
    assert response.status_code == 302
    assert as_user("handler").get("/api/v1/notifications/settings").get_json() == {
        "email": "handler@example.gov.cn", "mail_kinds": ["opinion.returned", "decision.waiting"]}
    html = handler.get("/notifications/settings").get_data(as_text=True)
    assert "通知设置已保存" in html and html.count("checked") == 2


def test_the_settings_page_refuses_a_bad_address_and_keeps_what_was_typed(page_as, as_user):
    handler = page_as("handler")
    response = handler.post("/notifications/settings", data={"email": "不是邮箱", "mail_kinds": ["opinion.returned"]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "电子邮箱地址格式不正确" in html and 'value="不是邮箱"' in html
    assert as_user("handler").get("/api/v1/notifications/settings").get_json()["email"] is None


def test_the_admin_sets_the_mail_server_and_queues_a_test_mail(app, page_as, monkeypatch):
    from review_service.mail import service as mail_service

    from ..factories import run_due_jobs
    sent = []
    monkeypatch.setattr(mail_service, "deliver", lambda server, message: sent.append((server.host, message)))
    admin = page_as("admin")
    html = admin.get("/notifications/mail-server").get_data(as_text=True)
    assert 'id="nav-mail-server"' in html and 'aria-current="page"' in html
    assert 'id="test-mail-send" disabled' in html  # nothing to test before a server is saved
    refused = admin.post("/notifications/mail-server", data={"host": "", "port": "587", "sender": "x"})
    assert refused.status_code == 422 and "mail-server-error" in refused.get_data(as_text=True)
    saved = admin.post("/notifications/mail-server", data={"host": "smtp.city.gov.cn", "port": "587",
                                                           "sender": "fzsh@city.gov.cn", "starttls": "1"})
    assert saved.status_code == 302
    assert 'value="smtp.city.gov.cn"' in admin.get("/notifications/mail-server").get_data(as_text=True)
    assert admin.post("/notifications/mail-server/test", data={"to": "bad"}).status_code == 422
    queued = admin.post("/notifications/mail-server/test", data={"to": "admin@city.gov.cn"})
    assert queued.status_code == 302 and sent == []  # queued: the worker sends it, not the request
    run_due_jobs(app)
    assert [(host, message["To"]) for host, message in sent] == [("smtp.city.gov.cn", "admin <admin@city.gov.cn>")]
    assert page_as("handler").get("/notifications/mail-server").status_code == 403
