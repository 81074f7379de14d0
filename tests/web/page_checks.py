"""Checks every browser test gets on every page it visits (wired in tests/web/conftest.py):

- any console error or uncaught page error fails the test (chromium's "Failed to load resource" for the
  service's own 409/422 refusals excepted: the page shows them);
- on a zh-CN page, visible text that is one of the catalog's English msgids (or a fragment of one between
  placeholders) fails the test: a text shown untranslated. ALLOWED_WORDS lists what Chinese pages really
  show in Latin letters;
- on a phone (browser_page["phone"], 390 px), horizontal scrolling fails the test
  (document.documentElement.scrollWidth > innerWidth), with the elements that stick out named;
- a visible form control (input, select, textarea) without a label (<label for>, aria-label, aria-labelledby or
  title) fails the test: json-editor's output and the filters included;
- screenshots in tests/artifacts/screenshots/<test>-<step>.png: with PAGE_SCREENSHOTS=1 of each loaded page and of
  the steps a test names with screenshot(page, "name"); with PAGE_SCREENSHOTS=steps of the named steps only;
  unset, none (a picture costs a third of a second): only a failing test's page as it was left is always kept.

The page checks itself (a script added to every document, re-run when the page changes) and reports through an
exposed binding; the test fails after its body has run (conftest's pytest_runtest_call), listing every finding.
"""
import json
import os
import re
from contextlib import suppress
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from playwright.sync_api import Error as PlaywrightError

from ..factories import ARTIFACTS

CATALOG = (Path(__file__).resolve().parents[2] / "review_service" / "web" / "translations" / "zh_Hans_CN"
           / "LC_MESSAGES" / "messages.po")
# Latin-letter words a Chinese page shows on purpose: file formats and standards the users know by these
# names (PDF, DOCX, XLSX, CSV, JSON, BPMN, SMTP, KB/MB file sizes), ID as in 身份证/ID, the language switch's
# own name for English, and bpmn.io's watermark (its licence wants it shown as it is).
ALLOWED_WORDS = frozenset({"PDF", "DOCX", "XLSX", "CSV", "JSON", "BPMN", "SMTP", "ID", "KB", "MB", "English",
                           "bpmn", "io", "OK"})
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@cache
def english_fragments() -> tuple[str, ...]:
    """The catalog's msgids cut at placeholders and line ends: pieces of English an untranslated page would show,
    leaving out pieces made only of ALLOWED_WORDS and pieces of one short word (too likely in names and data)."""
    with CATALOG.open("rb") as po:
        catalog = read_po(po)
    pieces: set[str] = set()
    for message in catalog:
        for msgid in (message.id if isinstance(message.id, tuple) else (message.id,)):
            for piece in re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|\n", msgid or ""):
                piece = piece.strip(" \t.,:;!?()（）-")
                words = WORD.findall(piece)
                if not words or all(word in ALLOWED_WORDS for word in words):
                    continue
                if len(words) == 1 and len(words[0]) < 4:
                    continue
                pieces.add(piece)
    return tuple(sorted(pieces, key=len, reverse=True))


CHECK_SCRIPT = """
(() => {
  const fragments = %(fragments)s, phoneWidth = %(phone)d;  // phoneWidth 0: not a phone
  const letter = /[A-Za-z0-9_]/;
  function wholeWordAt(text, piece, at) {
    return !(at > 0 && letter.test(text[at - 1])) && !letter.test(text[at + piece.length] || '');
  }
  function untranslated(text) {
    const found = [];
    for (const piece of fragments) {
      let at = text.indexOf(piece);
      while (at >= 0) {
        if (wholeWordAt(text, piece, at)) { found.push(piece); text = text.split(piece).join(' '); break; }
        at = text.indexOf(piece, at + 1);
      }
    }
    return found;
  }
  function sticksOut() {
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width && box.right > phoneWidth + 1) {
        const classes = typeof el.className === 'string' && el.className.trim()
          ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
        out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes + ' right=' + Math.round(box.right));
        if (out.length >= 5) break;
      }
    }
    return out;
  }
  function unlabelled() {
    const out = [];
    for (const el of document.querySelectorAll('input, select, textarea')) {
      if (['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type) || !el.getClientRects().length) continue;
      const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
        || el.getAttribute('aria-labelledby') || el.title;
      const name = el.name ? '[name="' + el.name + '"]' : '';
      if (!named) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + name);
    }
    return out;
  }
  function check(when) {
    if (!document.body || !window.__reportPageCheck || !location.protocol.startsWith('http')) return;
    const findings = {url: location.pathname + location.search, when: when};
    if (document.documentElement.lang === 'zh-CN') findings.english = untranslated(document.body.innerText);
    // a json-editor form still being built (data-ready not yet set) is checked once it is ready
    if (!document.querySelector('#form-editor:not([data-ready="true"])')) findings.unlabelled = unlabelled();
    const scrollWidth = document.documentElement.scrollWidth;
    if (phoneWidth && (scrollWidth > phoneWidth || scrollWidth > innerWidth)) {
      findings.scroll = {scrollWidth: scrollWidth, innerWidth: phoneWidth, elements: sticksOut()};
    }
    window.__reportPageCheck(findings);
  }
  window.__pageCheck = check;
  let timer = null;
  const later = () => { clearTimeout(timer); timer = setTimeout(() => check('changed'), 300); };
  addEventListener('load', () => {
    check('load');
    new MutationObserver(later).observe(document.body, {childList: true, subtree: true, characterData: true});
  });
})();
"""


class PageChecks:
    """What one test's pages reported; `problems` fails the test."""

    def __init__(self, page, test_name: str, phone_width: int = 0):
        self.page, self.test = page, re.sub(r"[^\w.-]+", "_", test_name).strip("_")
        self.problems: list[str] = []
        self.allowed_console: list[re.Pattern] = []
        self.refusals: set[str] = set()
        self.steps = 0
        self.pages_checked: set[str] = set()
        for old in ARTIFACTS.glob(f"{self.test}-*.png"):  # an earlier run's pictures of this test
            old.unlink(missing_ok=True)  # missing_ok: a parallel run may have removed it
        context = page.context
        context.expose_binding("__reportPageCheck", lambda _source, findings: self.report(findings))
        context.add_init_script(CHECK_SCRIPT % {"fragments": json.dumps(english_fragments(), ensure_ascii=False),
                                                "phone": phone_width})
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("response", self.response)
        self.keep_steps = os.environ.get("PAGE_SCREENSHOTS") in ("1", "steps")
        if os.environ.get("PAGE_SCREENSHOTS") == "1":  # every loaded page, to look at
            page.on("load", lambda _page: self.screenshot_step())

    def allow_console(self, pattern: str):
        """A console error the test expects (say, a page it opens on purpose that answers 404)."""
        self.allowed_console.append(re.compile(pattern))

    def response(self, answer):
        """The service's refusals (409, 422) are answers the page shows (a form re-shown with its errors, the
        designer's publishing checks), not errors; chromium still logs them as failed resources."""
        if answer.status in (409, 422):
            self.refusals.add(answer.url)

    def console(self, message):
        if message.type != "error" or any(p.search(message.text) for p in self.allowed_console):
            return
        url = message.location.get("url")
        if message.text.startswith("Failed to load resource") and url in self.refusals:
            return
        self.problems.append(f"console error: {message.text} at {message.location.get('url')}")

    def report(self, findings: dict):
        url = findings["url"]
        self.pages_checked.add(url.split("?")[0])
        for piece in findings.get("english") or ():
            problem = f"untranslated English on {url}: {piece!r}"
            if problem not in self.problems:
                self.problems.append(problem)
        for control in findings.get("unlabelled") or ():
            problem = f"form control without a label on {url}: {control}"
            if problem not in self.problems:
                self.problems.append(problem)
        if findings.get("scroll"):
            scroll = findings["scroll"]
            problem = (f"horizontal scrolling on {url}: scrollWidth {scroll['scrollWidth']} > "
                       f"{scroll['innerWidth']} ({', '.join(scroll['elements'])})")
            if not any(p.startswith(f"horizontal scrolling on {url}:") for p in self.problems):
                self.problems.append(problem)

    def screenshot_step(self, name: str | None = None, *, full_page: bool = False, always: bool = False) -> Path:
        """tests/artifacts/screenshots/<test>-<NN>-<name or the page's path>.png (PAGE_SCREENSHOTS unset: only
        when `always`, as for a failed test)."""
        self.steps += 1
        if not (self.keep_steps or always):
            return Path("(no screenshot: PAGE_SCREENSHOTS unset)")
        slug = name or re.sub(r"[^\w]+", "_", self.page.url.split("//", 1)[-1].split("/", 1)[-1].split("?")[0])
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.test}-{self.steps:02d}-{slug.strip('_') or 'root'}.png"
        try:
            self.page.screenshot(path=str(path), full_page=full_page)
        except PlaywrightError as exc:  # a page already navigating away: no picture, not a test failure
            path = Path(f"(no screenshot: {exc})")
        return path

    def final(self):
        """Check the page as the test leaves it (the last changes may not have been reported yet)."""
        with suppress(PlaywrightError):  # a closed or navigating page: the load-time findings stand
            self.page.evaluate("window.__pageCheck && window.__pageCheck('end')")
