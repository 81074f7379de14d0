"""Page fixtures: a logged-in test client for server-rendered pages, and, for the browser tests,
the app served on 127.0.0.1 and driven by Playwright with Debian's chromium (never a downloaded browser).

Browser tests are marked `e2e`. Without chromium they are skipped, unless REQUIRE_E2E=1 (set by
.ci/run), which turns a missing browser into a failure. Every browser_page runs tests/web/page_checks.py's
checks on every page it loads (console errors, untranslated English, horizontal scrolling on a phone); any
finding fails the test after its body ran. Screenshots (tests/artifacts/screenshots/): see page_checks.py.
Parametrize `browser_page` indirectly with "desktop" (1366 px, the default) or "phone" (390 px).
"""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from ..factories import PageClient
from .page_checks import PageChecks

VIEWPORTS = {"desktop": {"viewport": {"width": 1366, "height": 900}},
             "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def page_as(app):
    """page_as("reviewer") -> a PageClient with that user's browser session."""
    return lambda username: PageClient(app.test_client()).login(username)


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail("REQUIRE_E2E=1 but Debian's chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium not installed: browser tests skipped (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """The app on a free port of 127.0.0.1 in a thread (the clock: TEST_NOW, ticking, as in every test)."""
    answering = RequestsInFlight(app)
    server = make_server("127.0.0.1", 0, answering, threaded=True)
    # a short poll: shutdown() waits for the loop to look (the default 0.5 s cost every browser test as much)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    # a request still being answered (the page's last fetches) holds a database connection: the next test's
    # fresh copy of the SQLite file must not replace the file under it ("disk I/O error"), nor its rows be written
    assert answering.wait_until_idle(timeout=15), "the live server was still answering 15 s after the test"


class RequestsInFlight:
    """WSGI wrapper that counts the requests being answered, so that teardown can wait for the last one."""

    def __init__(self, app):
        self.app, self.count, self.changed = app, 0, threading.Condition()

    def __call__(self, environ, start_response):
        with self.changed:
            self.count += 1
        try:
            yield from self.app(environ, start_response)
        finally:
            with self.changed:
                self.count -= 1
                self.changed.notify_all()

    def wait_until_idle(self, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.count == 0, timeout)


@pytest.fixture
def browser_page(browser, live_server, request):
    """A fresh browser context (zh-CN, Asia/Shanghai) and page; page.base_url is the live server. page.checks
    (PageChecks) watches every page it loads; page.js_errors keeps the uncaught errors for older asserts."""
    viewport = getattr(request, "param", "desktop")
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server,
                                  **VIEWPORTS[viewport])
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    page.checks = request.node.page_checks = PageChecks(
        page, request.node.name, phone_width=VIEWPORTS[viewport]["viewport"]["width"] if viewport == "phone" else 0)
    page.viewport_name = viewport
    yield page
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a browser test's body passed: fail it on what its pages reported (page_checks.py). A failed browser
    test keeps a screenshot of its page as it was left (<test>-NN-failed.png)."""
    checks = getattr(item, "page_checks", None)
    try:
        result = yield
        if checks is not None:
            checks.final()
            assert not checks.problems, "page checks:\n" + "\n".join(checks.problems)
    except BaseException:
        if checks is not None:
            checks.screenshot_step("failed", always=True)
        raise
    return result
