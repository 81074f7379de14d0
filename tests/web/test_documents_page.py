"""The case page lists the documents; the handler opens the opinion's PDF from it and from the task answering it."""
import pytest

from ..factories import browser_session, pdf_text, review, run_due_jobs, screenshot


def opinion_issued(as_user) -> int:
    case_id = as_user("handler").submit()["id"]
    as_user("reviewer").complete(case_id, "accept_submission", {"result": "accept"})
    as_user("reviewer").complete(case_id, "review_case", review("issues"))
    return case_id


def test_the_case_page_lists_documents_with_docx_and_pdf_links_and_the_task_links_the_opinion(app, as_user, page_as,
                                                                                               pdf_documents):
    case_id = opinion_issued(as_user)
    html = page_as("handler").get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'id="documents"' in html and "审核意见书（第1轮）" in html and "重大执法决定法制审核送审表" in html
    assert "市市场监督管理局法审〔2026〕1号" in html and "PDF 生成中" in html and ".docx" in html
    run_due_jobs(app)
    html = page_as("handler").get(f"/cases/{case_id}").get_data(as_text=True)
    assert html.count('class="document-pdf"') == 2
    assert "重新生成" not in html  # the handler may not make new versions
    assert "重新生成" in page_as("reviewer").get(f"/cases/{case_id}").get_data(as_text=True)
    task = as_user("handler").open_task(case_id, "respond_to_opinion")
    task_page = page_as("handler").get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert 'id="answered-opinion-pdf"' in task_page and "阅读审核意见书（PDF）" in task_page
    pdf = page_as("handler").get("/documents/2.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Disposition"].startswith("inline;")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert page_as("other.handler").get("/documents/2.pdf").status_code == 404
    assert page_as("other.handler").get("/documents/2.docx").status_code == 404


@pytest.mark.e2e
def test_the_handler_opens_the_opinions_pdf_from_the_case_page(app, as_user, browser_page, pdf_documents):
    case_id = opinion_issued(as_user)
    run_due_jobs(app)
    page = browser_page
    browser_session(page, "handler", then=f"/cases/{case_id}")
    row = page.locator("#documents tr.document[data-kind=opinion]")
    assert "市市场监督管理局法审〔2026〕1号" in row.inner_text()
    page.locator("#documents").scroll_into_view_if_needed()
    screenshot(page, "case-documents")
    with page.context.expect_page() as opened, \
            page.context.expect_event("response", lambda r: r.url.endswith(".pdf")) as answer:
        row.locator("a.document-pdf").click()
    viewer = opened.value
    response = answer.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline;")
    text = "".join(pdf_text(page.request.get(response.url).body()).split())  # the same file, in this session
    assert "市市场监督管理局法审〔2026〕1号" in text and "审核意见：存在问题" in text
    viewer.wait_for_load_state()
    assert viewer.url.endswith(".pdf")
    # shown in the tab by the browser's own PDF viewer (no download); the viewer's pixels are not captured in
    # headless mode, so the page rendered by pdftoppm is the artifact to look at (tests/documents)
    assert viewer.evaluate("document.contentType") == "application/pdf"
    assert page.js_errors == []
