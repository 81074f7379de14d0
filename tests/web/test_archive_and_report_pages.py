"""The case page's archive packages (build button, list, download), the verification upload page and the
dashboard's report download, driven with the Flask test client."""
import io
import zipfile

from openpyxl import load_workbook

from review_service.jobs.worker import work_once

from ..factories import decision, require_libreoffice, review


def decided(as_user, number="市监罚〔2026〕1号") -> int:
    case_id = as_user("handler").submit(case_number=number)["id"]
    as_user("reviewer").complete(case_id, "accept_submission", {"result": "accept"})
    as_user("reviewer").complete(case_id, "review_case", review("approve"))
    as_user("head").complete(case_id, "record_decision", decision())
    return case_id


def test_build_download_and_verify_a_package_through_the_pages(as_user, page_as, app):
    require_libreoffice()
    case_id = decided(as_user)
    handler = page_as("handler")
    page = handler.get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'id="archive-build"' in page
    response = handler.post(f"/cases/{case_id}/archive-packages")
    assert response.status_code == 302
    assert 'id="archive-building"' in handler.get(f"/cases/{case_id}").get_data(as_text=True)
    with app.app_context():
        assert [r.outcome for r in work_once("w")] == ["done"]
    page = handler.get(f"/cases/{case_id}").get_data(as_text=True)
    link = page[page.index("/archive-packages/"):].split('"')[0]
    assert link.endswith("/download")
    data = handler.get(link).data
    assert zipfile.is_zipfile(io.BytesIO(data))
    checked = handler.post("/archive-packages/verify", data={"file": (io.BytesIO(data), "案卷.zip")},
                           content_type="multipart/form-data").get_data(as_text=True)
    assert 'data-ok="true"' in checked and "校验通过" in checked
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            target.writestr(name, content + b" " if name == "history/history.json" else content)
    forged = handler.post("/archive-packages/verify", data={"file": (io.BytesIO(out.getvalue()), "案卷.zip")},
                          content_type="multipart/form-data").get_data(as_text=True)
    assert 'data-ok="false"' in forged and "已被修改：history/history.json" in forged


def test_the_build_button_is_not_offered_before_the_decision_nor_to_reviewers(as_user, page_as):
    case_id = as_user("handler").submit(case_number="市监罚〔2026〕2号")["id"]
    assert 'id="archive-build"' not in page_as("handler").get(f"/cases/{case_id}").get_data(as_text=True)
    case_id = decided(as_user)
    assert 'id="archive-build"' not in page_as("reviewer").get(f"/cases/{case_id}").get_data(as_text=True)
    assert page_as("reviewer").post(f"/cases/{case_id}/archive-packages").status_code == 403


def test_the_dashboard_offers_the_report_to_heads_and_supervisors_only(as_user, page_as):
    decided(as_user)
    head = page_as("head")
    assert 'id="report-form"' in head.get("/dashboard").get_data(as_text=True)
    response = head.get("/dashboard/review-work.xlsx?from=2026-11-01&to=2026-11-30")
    assert response.status_code == 200
    summary = dict(row[:2] for row in load_workbook(io.BytesIO(response.data))["概况"].iter_rows(values_only=True))
    assert (summary["审核案件数"], summary["作出决定数"]) == (1, 1)
    admin = page_as("admin")
    assert 'id="report-form"' not in admin.get("/dashboard").get_data(as_text=True)
    assert admin.get("/dashboard/review-work.xlsx?from=2026-11-01&to=2026-11-30").status_code == 403
    assert head.get("/dashboard/review-work.xlsx?from=x").status_code == 422
