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
