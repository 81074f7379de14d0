"""Pages: a logged-in test client for server-rendered pages, and the browser tests' steps."""
import re
from pathlib import Path

from .world import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class PageClient:
    """A test client logged in through the login page, posting forms with their CSRF token."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def login(self, username: str, password: str = PASSWORD):
        page = self.client.get("/login")
        response = self.client.post("/login", data={"username": username, "password": password,
                                                     "csrf_token": csrf_token(page.get_data(as_text=True))})
        assert response.status_code == 302, response.get_data(as_text=True)
        self.token = csrf_token(self.client.get("/inbox").get_data(as_text=True))
        return self

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data=None, **kwargs):
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kwargs)


def browser_login(page, username: str, password: str = PASSWORD):
    """Log in by typing the login form (opened unless the page shows it already, as after a logout)."""
    if not re.search(r"/login(\?|$)", page.url):
        page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/inbox.*"))


def browser_session(page, username: str, then: str | None = "/inbox", password: str = PASSWORD):
    """Log in without drawing the login page: the context's own request client posts the login form (CSRF token
    included) as the page would, so the session cookie lands in the browser; then the page opens `then`. For tests
    of something else than logging in (test_login.py and the forced password change type the form)."""
    form = page.context.request.get("/login")
    answer = page.context.request.post("/login", max_redirects=0, form={
        "username": username, "password": password, "csrf_token": csrf_token(form.text())})
    assert answer.status == 302 and not answer.headers["location"].endswith("/login"), answer.text()[:2000]
    if then:
        page.goto(then)


def browser_logout(page):
    """Log out with the navigation bar's button (on a phone, the menu is opened first)."""
    if page.locator(".navbar-toggler").is_visible():
        page.click(".navbar-toggler")
        page.wait_for_selector("#nav.show")  # opened (the collapse animation over)
    page.click("nav form[action='/logout'] button")
    page.wait_for_url(re.compile(r".*/login.*"))


def screenshot(page, name: str, *, full_page: bool = False) -> Path:
    """Keep a screenshot as a test artifact.

    full_page=True only as a page's last step: after a full-page capture Chromium's clicks on that page
    land off target (seen with Chromium 156 headless), so a test that goes on clicking takes the viewport.
    """
    checks = getattr(page, "checks", None)
    if checks is not None:  # a browser_page: <test>-<step>-<name>.png, and the page checked as it is now
        checks.final()
        return checks.screenshot_step(name, full_page=full_page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
