from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import update

from review_service.accounts.models import User
from review_service.extensions import db

from ..factories import PASSWORD


def login(client, username="handler", password=PASSWORD):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_login_returns_a_token_that_authenticates(client):
    response = login(client)
    assert response.status_code == 200
    token = response.get_json()["token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.get_json()["username"] == "handler"
    assert me.get_json()["roles"] == ["handler"]
    assert me.get_json()["agency"]["code"] == "city"


def test_wrong_password_and_unknown_user_are_refused_alike(client):
    for username, password in (("handler", "wrong"), ("nobody", PASSWORD)):
        response = login(client, username, password)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "invalid_credentials"


def test_missing_login_fields_name_the_fields(client):
    response = client.post("/api/v1/auth/login", json={"username": "handler"})
    assert response.status_code == 422
    body = response.get_json()["error"]
    assert body["code"] == "validation_failed"
    assert "password" in body["fields"]


def test_account_locks_after_repeated_failures_then_unlocks(client):
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    with freeze_time(start):
        for _ in range(5):
            assert login(client, password="wrong").status_code == 401
        locked = login(client)
        assert locked.status_code == 401
        assert locked.get_json()["error"]["code"] == "account_locked"
    with freeze_time(start + timedelta(minutes=16)):
        assert login(client).status_code == 200


def test_requests_without_a_valid_token_get_401(client):
    assert client.get("/api/v1/tasks").status_code == 401
    bad = client.get("/api/v1/tasks", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401
    assert bad.get_json()["error"]["code"] == "unauthorized"


def test_tokens_expire(client):
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    with freeze_time(start):
        token = login(client).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    with freeze_time(start + timedelta(hours=11)):
        assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    with freeze_time(start + timedelta(hours=12, seconds=1)):
        assert client.get("/api/v1/tasks", headers=headers).status_code == 401


def test_a_deactivated_account_s_tokens_stop_working_at_once(app, client):
    token = login(client).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    with app.app_context():
        db.session.execute(update(User).where(User.username == "handler").values(is_active=False))
        db.session.commit()
    assert client.get("/api/v1/tasks", headers=headers).status_code == 401


def test_logout_revokes_the_token(client):
    token = login(client).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/tasks", headers=headers).status_code == 401
