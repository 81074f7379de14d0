"""The case page's process diagram in Chromium at 1366×768: it fills the content width, zooms (buttons, the
keyboard, ctrl + wheel) and pans, marks the done and current steps, and a click or Enter on a step shows
who worked it and when; a case on an earlier process version renders too. Any console error fails."""
import pytest

from ..factories import browser_session, screenshot
from ..processes.overrides import default_bpmn, upload, with_extra_step

pytestmark = pytest.mark.e2e


EXTRA_STEP_DRAWN = """      <bpmndi:BPMNShape id="leaders_meeting_di" bpmnElement="leaders_meeting">
        <dc:Bounds x="1800" y="1060" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f_met_di" bpmnElement="f_met">
        <di:waypoint x="1900" y="1100" />
        <di:waypoint x="1990" y="1100" />
        <di:waypoint x="1990" y="1040" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f_ready_to_decide_di" bpmnElement="f_ready_to_decide">
        <di:waypoint x="1890" y="1025" />
        <di:waypoint x="1890" y="1060" />
      </bpmndi:BPMNEdge>
"""


def with_drawn_extra_step() -> str:
    """The agency's version with a 局务会审议 step, drawn (a version without its shapes logs import errors)."""
    bpmn = with_extra_step(default_bpmn())
    old_edge = bpmn[bpmn.index('      <bpmndi:BPMNEdge id="f_ready_to_decide_di"'):]
    old_edge = old_edge[:old_edge.index("</bpmndi:BPMNEdge>") + len("</bpmndi:BPMNEdge>\n")]
    return bpmn.replace(old_edge, EXTRA_STEP_DRAWN)


def watch_console(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(f"{message.text} {message.location}")
            if message.type == "error" else None)
    return errors


def accepted_case(as_user, number: str = "市监罚〔2026〕301号") -> int:
    case = as_user("handler").submit(case_number=number)
    as_user("reviewer").complete(case["id"], "accept_submission", {"result": "accept"})
    return case["id"]


def open_diagram(page, case_id: int) -> None:
    page.goto(f"/cases/{case_id}")
    page.wait_for_selector("#diagram[data-loaded][data-zoom]")


def zoom(page) -> float:
    return float(page.get_attribute("#diagram", "data-zoom"))


def shape(page, element_id: str):
    return page.locator(f'#diagram .djs-element.djs-shape[data-element-id="{element_id}"]')


def test_the_diagram_zooms_marks_the_steps_and_tells_who_and_when(browser_page, as_user):
    page, console = browser_page, watch_console(browser_page)
    page.set_viewport_size({"width": 1366, "height": 768})
    case_id = accepted_case(as_user)
    reviewer = as_user("handler").case(case_id)["open_tasks"][0]["assignee"]["full_name"]
    browser_session(page, "handler", then=None)
    open_diagram(page, case_id)
    box, main = page.locator("#diagram").bounding_box(), page.locator("main").bounding_box()
    assert box["width"] >= main["width"] - 80 and box["height"] >= 420  # the content width, a readable height
    assert "done-step" in shape(page, "accept_submission").get_attribute("class")
    assert "current-step" in shape(page, "review_case").get_attribute("class")
    assert page.get_attribute("#diagram", "data-marked") == "accept_submission:done review_case:current"
    assert page.locator("#diagram-legend").inner_text().count("已办") == 1
    page.evaluate("document.getElementById('process-card').scrollIntoView({behavior: 'instant'})")
    screenshot(page, "case_diagram_marks")

    fitted = zoom(page)
    page.get_by_role("button", name="放大").click()
    assert zoom(page) > fitted
    page.get_by_role("button", name="适合窗口").focus()
    page.keyboard.press("Enter")  # the buttons work from the keyboard
    assert zoom(page) == pytest.approx(fitted, abs=0.01)
    page.get_by_role("button", name="缩小").click()
    assert zoom(page) < fitted
    page.get_by_role("button", name="适合窗口").click()
    page.evaluate("document.getElementById('process-card').scrollIntoView({behavior: 'instant'})")
    middle = page.locator("#diagram").bounding_box()
    page.mouse.move(middle["x"] + middle["width"] / 2, middle["y"] + middle["height"] / 2)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -300)  # ctrl + wheel zooms in at the pointer
    page.keyboard.up("Control")
    page.wait_for_function(f"Number(document.getElementById('diagram').dataset.zoom) > {fitted + 0.01}")
    viewport = page.locator("#diagram .viewport")
    before = viewport.get_attribute("transform")
    page.mouse.move(middle["x"] + 100, middle["y"] + 60)
    page.mouse.down()
    page.mouse.move(middle["x"] + 300, middle["y"] + 160, steps=8)  # drag moves the diagram
    page.mouse.up()
    assert viewport.get_attribute("transform") != before
    screenshot(page, "case_diagram_zoomed")

    page.get_by_role("button", name="适合窗口").click()
    shape(page, "accept_submission").click()
    panel = page.locator("#diagram-step")
    panel.wait_for()
    text = panel.inner_text()
    assert "受理" in text and "已办" in text and "reviewer" in text and "2026年11月2日" in text
    shape(page, "review_case").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector('#diagram-step[data-element="review_case"]')
    text = panel.inner_text()
    assert "审核" in text and "办理中" in text and reviewer in text and "法制审核人员" in text
    panel.scroll_into_view_if_needed()
    screenshot(page, "case_diagram_step_who_when")
    assert console == [] and page.js_errors == []


def test_a_case_on_an_earlier_process_version_renders_with_its_marks(browser_page, as_user):
    page, console = browser_page, watch_console(browser_page)
    page.set_viewport_size({"width": 1366, "height": 768})
    old = accepted_case(as_user)
    assert upload(as_user("designer"), "city", {"legal_review.bpmn": with_drawn_extra_step()}).status_code == 201
    new = as_user("handler").submit(case_number="市监罚〔2026〕302号")["id"]
    browser_session(page, "handler", then=None)
    open_diagram(page, old)
    assert page.get_attribute("#diagram", "data-marked") == "accept_submission:done review_case:current"
    assert shape(page, "leaders_meeting").count() == 0 and page.locator("#diagram .current-step").count() == 1
    page.evaluate("document.getElementById('process-card').scrollIntoView({behavior: 'instant'})")
    screenshot(page, "case_diagram_earlier_version")
    open_diagram(page, new)
    assert shape(page, "leaders_meeting").count() == 1  # the agency's new version, with its extra step
    assert page.get_attribute("#diagram", "data-marked") == "accept_submission:current"
    assert page.locator("#diagram .current-step").count() == 1
    assert console == [] and page.js_errors == []
