"""Page fixtures: a logged-in test client for server-rendered pages, and, for the browser tests,
the app served on 127.0.0.1 and driven by Playwright with Debian's chromium (never a downloaded browser).

Browser tests are marked `e2e`. Without chromium they are skipped, unless REQUIRE_E2E=1 (set by
.ci/run), which turns a missing browser into a failure. Screenshots go to tests/artifacts/screenshots/.
"""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from ..factories import PageClient

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
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def browser_page(browser, live_server):
    """A fresh browser context (zh-CN, Asia/Shanghai) and page; page.base_url is the live server."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server,
                                  viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    yield page
    context.close()
