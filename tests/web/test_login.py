"""Session login, CSRF, language and role navigation of the web pages."""
import pytest

from ..factories import PASSWORD, browser_login, csrf_token, screenshot


def test_login_page_is_chinese_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert "登录" in html and "用户名" in html


def test_pages_need_a_login(client):
    response = client.get("/inbox")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_login_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"username": "handler", "password": PASSWORD})
    assert response.status_code == 400
    assert "csrf_failed" in response.get_data(as_text=True)
    assert client.get("/inbox").status_code == 302  # still logged out


def test_wrong_password_shows_a_message(client):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": "handler", "password": "wrong", "csrf_token": token})
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_login_never_redirects_off_site(client):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": "handler", "password": PASSWORD,
                                           "csrf_token": token, "next": "//evil.example/x"})
    assert response.headers["Location"] == "/inbox"


def test_navigation_follows_the_roles(page_as):
    handler = page_as("handler").get("/inbox").get_data(as_text=True)
    assert "新建送审" in handler and "流程设计" not in handler
    designer = page_as("designer").get("/inbox").get_data(as_text=True)
    assert "流程设计" in designer and "新建送审" not in designer


def test_logout_revokes_the_session_token(page_as):
    handler = page_as("handler")
    assert handler.post("/logout").status_code == 302
    assert handler.get("/inbox").status_code == 302


def test_english_is_available(page_as):
    handler = page_as("handler")
    handler.post("/language", data={"lang": "en", "next": "/inbox"})
    html = handler.get("/inbox").get_data(as_text=True)
    assert "To do" in html and "待办" not in html


@pytest.mark.e2e
def test_login_in_the_browser(browser_page):
    browser_login(browser_page, "handler")
    assert "待办" in browser_page.inner_text("h1")
    screenshot(browser_page, "inbox")
    assert browser_page.js_errors == []


def test_every_case_status_and_role_has_a_page_label():
    from review_service.accounts.roles import ROLES
    from review_service.cases.status import CASE_STATUSES
    from review_service.web import labels
    assert set(labels.CASE_STATUS) == set(CASE_STATUSES)
    assert set(labels.ROLE) == set(ROLES)
