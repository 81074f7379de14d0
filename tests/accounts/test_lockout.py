"""Lockout that concurrent guesses cannot bypass; the API and the page say attempts left / locked until."""
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlalchemy import select

from review_service.accounts.models import User
from review_service.extensions import db

from ..factories import PASSWORD, csrf_token

GUESSES = 50


def _wrong_guess(app, barrier):
    client = app.test_client()
    barrier.wait()
    response = client.post("/api/v1/auth/login", json={"username": "handler", "password": "wrong password"})
    return response.status_code, response.get_json()["error"]["code"]


def test_concurrent_wrong_passwords_lock_after_exactly_the_limit(app):
    """50 threads guess at once; exactly LOGIN_MAX_FAILURES are checked, every other finds the lock."""
    limit = app.config["LOGIN_MAX_FAILURES"]
    barrier = Barrier(GUESSES)
    with ThreadPoolExecutor(GUESSES) as pool:
        answers = list(pool.map(lambda _: _wrong_guess(app, barrier), range(GUESSES)))
    assert {status for status, _ in answers} == {401}
    codes = [code for _, code in answers]
    assert codes.count("invalid_credentials") == limit
    assert codes.count("account_locked") == GUESSES - limit
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "handler"))
        assert user.locked_until is not None and user.failed_logins == 0
    right = app.test_client().post("/api/v1/auth/login", json={"username": "handler", "password": PASSWORD})
    assert right.get_json()["error"]["code"] == "account_locked"  # even the right password waits


def test_the_api_says_how_many_attempts_remain_and_until_when_locked(client):
    messages = [client.post("/api/v1/auth/login", json={"username": "handler", "password": "nope"})
                .get_json()["error"]["message"] for _ in range(5)]
    assert messages[0] == "用户名或密码错误，还可尝试4次"
    assert messages[3] == "用户名或密码错误，还可尝试1次"
    # TEST_NOW is 01:00 UTC = 09:00 Beijing; locked for 15 minutes
    assert messages[4].startswith("用户名或密码错误；登录失败次数过多，账号已锁定至2026年11月02日 09:1")
    assert "北京时间" in messages[4]
    locked = client.post("/api/v1/auth/login", json={"username": "handler", "password": PASSWORD})
    assert locked.get_json()["error"]["code"] == "account_locked"


def test_the_login_page_says_attempts_left_and_lock_time(client):
    def attempt(password):
        token = csrf_token(client.get("/login").get_data(as_text=True))
        return client.post("/login", data={"username": "handler", "password": password, "csrf_token": token})
    first = attempt("nope").get_data(as_text=True)
    assert "还可尝试 4 次" in first
    for _ in range(4):
        last = attempt("nope")
    assert last.status_code == 401
    assert "账号已锁定至 2026-11-02 09:1" in last.get_data(as_text=True)
    assert "北京时间" in attempt(PASSWORD).get_data(as_text=True)
