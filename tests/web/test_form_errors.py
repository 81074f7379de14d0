"""Error display on the pages (issue 17 item 3): one Chinese list of refusals named by field titles, readable error
pages."""
import json
import re

from ..factories import submission


def refused_submission(page, **overrides):
    return page.post("/cases/new", data={"data": json.dumps(submission(**overrides))})


def error_list(html: str) -> list[str]:
    """The texts of the refusal list's items, tags removed."""
    items = re.findall(r'<li class="server-error"[^>]*>(.*?)</li>', html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def test_a_blank_form_has_no_error_list(page_as):
    html = page_as("handler").get("/cases/new").get_data(as_text=True)
    assert 'id="form-errors"' not in html and 'class="server-error"' not in html
    assert '"errors": []' in html  # json-editor is handed no refusals


def test_refusal_lists_each_field_once_by_its_title(page_as):
    response = refused_submission(page_as("handler"), title="",
                                  materials=[{"name": "", "category": "evidence"}])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    items = error_list(html)
    titles = [item.split("：", 1)[0] for item in items]
    assert "案件名称" in titles and "送审材料 1 · 材料名称" in titles
    assert len(titles) == len(set(titles))  # each field once
    assert titles.index("案件名称") < titles.index("送审材料 1 · 材料名称")  # in the form's order
    assert "materials.0.name：" not in html and "<code>title</code>" not in html


def test_each_listed_error_links_to_its_field(page_as):
    html = refused_submission(page_as("handler"), title="").get_data(as_text=True)
    assert re.search(r'<a href="#form-editor" class="alert-link form-error-link"\s+data-path="root.title">案件名称</a>',
                     html)


def test_error_items_name_nested_and_whole_form_refusals():
    from review_service.web.forms import error_items
    schema = {"properties": {"party": {"title": "当事人", "properties": {"name": {"title": "名称"}}}}}
    items = error_items({"fields": {"party.name": ["必填", "必填"], "_schema": ["x"]}}, schema)
    assert [(i["title"], i["message"], i["path"]) for i in items] == [
        ("Form", "x", "root"), ("当事人 · 名称", "必填", "root.party.name")]  # the whole form first


def test_not_found_page_says_it_in_chinese_without_a_code(page_as):
    response = page_as("handler").get("/cases/999999")
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and 'id="page-error"' in html
    assert "case_not_found" not in re.sub(r'data-code="[^"]*"', "", html)
    assert "错误代码" not in html


def test_unknown_page_and_forbidden_page_are_chinese_sentences(page_as):
    handler = page_as("handler")
    missing = handler.get("/cases/no-such-page").get_data(as_text=True)
    assert "找不到该页面" in missing and "The requested URL" not in missing
    forbidden = page_as("reviewer").get("/cases/new").get_data(as_text=True)
    assert "Forbidden" not in forbidden and 'id="page-error"' in forbidden


def test_the_form_texts_for_uploads_are_chinese(page_as):
    html = page_as("handler").get("/cases/new").get_data(as_text=True)
    config = json.loads(re.search(r'<script type="application/json" id="form-config">(.*?)</script>', html, re.S)[1])
    assert config["texts"]["noFile"] == "未选择文件" and config["texts"]["name"] == "文件名："


def visible_text(html: str) -> str:
    """The page's words a reader sees: no scripts, tags or attributes."""
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_a_decided_case_page_shows_no_raw_codes(page_as, as_user):
    from ..factories import decision, review
    case_id = as_user("handler").submit()["id"]
    as_user("reviewer").complete(case_id, "accept_submission", {"result": "accept"})
    as_user("reviewer").complete(case_id, "review_case", review("approve"))
    as_user("head").complete(case_id, "record_decision", decision())
    text = visible_text(page_as("handler").get(f"/cases/{case_id}").get_data(as_text=True))
    for raw in ("decided_on", "deadline.met", "document_number", "True", "False", "None"):
        assert not re.search(rf"(?<![\w.]){re.escape(raw)}(?![\w])", text), raw
    assert not re.search(r"(?<![\w-])(true|false)(?![\w-])", text)


def test_refusals_at_the_edge_are_pages_too(page_as):
    """Checks made before any view (ids beyond the database's integer, NUL in text) answer a page, not JSON."""
    handler = page_as("handler")
    for path, status in (("/cases/99999999999", 404), ("/tasks/1?q=%00", 422), ("/cases?status=%00", 422)):
        response = handler.get(path)
        assert response.status_code == status and response.mimetype == "text/html", path
        assert 'id="page-error"' in response.get_data(as_text=True)
    posted = handler.post("/cases/new", data={"data": "{\"title\": \"a\\u0000b\"}", "note": "x\x00"})
    assert posted.status_code == 422 and posted.mimetype == "text/html"
