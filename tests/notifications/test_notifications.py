"""Users see only their own notifications and can mark them read."""
from review_service.extensions import db
from review_service.notifications.service import notify, supervisors_of


def _user_id(app, username):
    from review_service.accounts.models import User
    with app.app_context():
        return db.session.query(User.id).filter_by(username=username).scalar()


def test_a_user_sees_and_reads_only_their_own_notifications(app, as_user):
    reviewer_id = _user_id(app, "reviewer")
    with app.app_context():
        notify([reviewer_id, reviewer_id], kind="deadline.reminder", message="明天到期")
        notify([_user_id(app, "head")], kind="deadline.overdue", message="已超期")
        db.session.commit()
    listing = as_user("reviewer").get("/api/v1/notifications").get_json()
    assert listing["unread"] == 1 and [n["kind"] for n in listing["items"]] == ["deadline.reminder"]
    note_id = listing["items"][0]["id"]
    assert as_user("head").post(f"/api/v1/notifications/{note_id}/read").status_code == 404
    assert as_user("reviewer").post(f"/api/v1/notifications/{note_id}/read").get_json()["read_at"]
    assert as_user("reviewer").get("/api/v1/notifications?unread=true").get_json() == {"items": [], "unread": 0}


def test_supervisors_of_an_agency_include_those_above_it(app):
    supervisor_id = _user_id(app, "supervisor")
    with app.app_context():
        from review_service.agencies.models import Agency
        city = db.session.query(Agency).filter_by(code="city").one()
        assert supervisors_of(city.id) == [supervisor_id]
