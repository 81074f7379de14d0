"""Templates per agency, refusals at publishing, failed conversions, permissions and new versions."""
import io
import shutil
import stat
import zipfile

from sqlalchemy import select

from review_service.documents.build_templates import TEMPLATES, build
from review_service.documents.models import CaseDocument
from review_service.documents.service import allocate_number
from review_service.extensions import db
from review_service.jobs.models import DueJob

from ..factories import PASSWORD, ApiClient, create_agency_with_users, docx_text, download, review, run_due_jobs
from ..factories import case_documents as documents


def issued_case(as_user, opinion="issues") -> int:
    handler, reviewer = as_user("handler"), as_user("reviewer")
    case_id = handler.submit()["id"]
    reviewer.complete(case_id, "accept_submission", {"result": "accept"})
    reviewer.complete(case_id, "review_case", review(opinion))
    return case_id


def test_the_committed_templates_are_what_the_script_builds(app):
    for path in TEMPLATES:
        assert (app.config["WORKFLOWS_DIR"] / path).read_bytes() == build(path), path


def test_the_guangdong_agency_uses_its_own_opinion_template_words_and_number_format(app):
    with app.app_context():
        create_agency_with_users("demo-gd-samr", name="广东省示例市市场监督管理局")
    users = {role: ApiClient.logged_in(app.test_client(), f"demo-gd-samr.{role}", PASSWORD)
             for role in ("handler", "reviewer")}
    case_id = users["handler"].submit()["id"]
    users["reviewer"].complete(case_id, "accept_submission", {"result": "accept"})
    users["reviewer"].complete(case_id, "review_case", review("issues"))
    opinion = documents(users["handler"], case_id)[-1]
    assert opinion["number"] == "粤示市监法审〔2026〕001号"
    text = docx_text(download(users["handler"], opinion["docx_url"]))
    for expected in ("广东省示例市市场监督管理局政策法规科", "重大行政执法决定法制审核意见书",
                     "案号 | 市监罚〔2026〕1号", "审核意见：退回", "审核人员签名", "2026年11月2日"):
        assert expected in text, expected
    assert "重大执法决定法制审核意见书" not in text
    submission = documents(users["handler"], case_id)[0]  # no 送审表 of its own: the national one
    assert "重大执法决定法制审核送审表" in docx_text(download(users["handler"], submission["docx_url"]))


def test_numbers_count_per_agency_and_year_and_a_rollback_gives_the_number_back(app, as_user):
    issued_case(as_user)
    with app.app_context():
        from review_service.cases.models import Case
        case = db.session.get(Case, 1)
        assert allocate_number(case, 2026) == "市市场监督管理局法审〔2026〕2号"
        db.session.rollback()
        case = db.session.get(Case, 1)
        assert allocate_number(case, 2026) == "市市场监督管理局法审〔2026〕2号"
        assert allocate_number(case, 2027) == "市市场监督管理局法审〔2027〕1号"
        db.session.rollback()
    other_handler, other_reviewer = as_user("other.handler"), as_user("other.reviewer")
    other_case = other_handler.submit()["id"]
    other_reviewer.complete(other_case, "accept_submission", {"result": "accept"})
    other_reviewer.complete(other_case, "review_case", review("approve"))
    assert documents(other_handler, other_case)[-1]["number"] == "市生态环境局法审〔2026〕1号"


def _workflows_with(app, tmp_path, template_text: str | None = None, number_format: str | None = None):
    workflows = tmp_path / "workflows"
    shutil.copytree(app.config["WORKFLOWS_DIR"] / "default", workflows / "default")
    (workflows / "city" / "documents").mkdir(parents=True)
    if template_text is not None:
        payload = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(build("default/documents/opinion.docx"))) as source, \
                zipfile.ZipFile(payload, "w") as target:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename == "word/document.xml":
                    data = data.replace(b"{{ agency_name }}", template_text.encode(), 1)
                target.writestr(info, data)
        (workflows / "city" / "documents" / "opinion.docx").write_bytes(payload.getvalue())
    app.config["WORKFLOWS_DIR"] = workflows
    profile = (workflows / "default" / "profile.json").read_text(encoding="utf-8")
    if number_format is not None:
        profile = profile.replace("{agency_short}法审〔{year}〕{seq}号", number_format)
    return {"profile.json": profile.encode("utf-8")}


def publish(as_user, files: dict) -> dict:
    response = as_user("designer").client.post(
        "/api/v1/agencies/city/processes", headers=as_user("designer").headers,
        data={"files": [(io.BytesIO(data), name) for name, data in files.items()]}, content_type="multipart/form-data")
    return response


def test_publishing_refuses_an_unknown_placeholder_naming_the_file_and_the_placeholder(app, as_user, tmp_path):
    files = _workflows_with(app, tmp_path, template_text="{{ agency_nmae }}")
    refused = publish(as_user, files)
    assert refused.status_code == 422, refused.get_json()
    problems = refused.get_json()["error"]["fields"]["files"]
    assert any(p.startswith("city/documents/opinion.docx:agency_nmae:") and "未知占位符" in p
               for p in problems), problems


def test_publishing_refuses_a_template_syntax_error(app, as_user, tmp_path):
    files = _workflows_with(app, tmp_path, template_text="{{ agency_name ")
    refused = publish(as_user, files)
    assert refused.status_code == 422
    problems = refused.get_json()["error"]["fields"]["files"]
    assert any(p.startswith("city/documents/opinion.docx:") and "模板语法错误" in p for p in problems), problems


def test_publishing_refuses_a_number_format_with_an_unknown_placeholder_or_without_seq(app, as_user, tmp_path):
    files = _workflows_with(app, tmp_path, number_format="{agency}法审〔{year}〕号")
    refused = publish(as_user, files)
    assert refused.status_code == 422
    problems = refused.get_json()["error"]["fields"]["files"]
    assert any(p.startswith("profile.json:documents/number_format:") and "{agency}" in p for p in problems), problems
    assert any("{seq}" in p for p in problems), problems
    good = _workflows_with(app, tmp_path / "2", template_text="{{ agency_name }}（{{ review_unit }}）",
                           number_format="{agency_short}审〔{year}〕{seq:04d}号")
    assert publish(as_user, good).status_code == 201


def _fake_converter(tmp_path, body: str) -> str:
    script = tmp_path / "fake-soffice"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_a_hung_conversion_is_killed_recorded_and_retried_while_the_docx_stays_available(app, as_user, tmp_path):
    app.config.update(DOCUMENT_PDF=True, DOCUMENT_CONVERTER=_fake_converter(tmp_path, "exec sleep 30"),
                      DOCUMENT_PDF_TIMEOUT_SECONDS=1, DOCUMENT_PDF_MAX_ATTEMPTS=2)
    case_id = issued_case(as_user)  # issuing does not wait for any conversion
    handler = as_user("handler")
    assert len(download(handler, documents(handler, case_id)[-1]["docx_url"])) > 10_000
    outcomes = run_due_jobs(app)
    assert {r.outcome for r in outcomes} == {"done"}  # the job itself ends; the failure is on the document
    opinion = documents(handler, case_id)[-1]
    assert (opinion["pdf_status"], opinion["pdf_url"]) == ("pending", None)
    assert "超时" in opinion["pdf_error"]
    assert handler.get(f"/api/v1/documents/{opinion['id']}/pdf").get_json()["error"]["code"] == "document_pdf_missing"
    events = [e for e in handler.get(f"/api/v1/cases/{case_id}/history").get_json()["events"]
              if e["action"] == "document.pdf_failed"]
    assert len(events) == 2 and events[-1]["data"]["final"] is False  # 送审表 and 审核意见书
    with app.app_context():
        retries = db.session.scalars(select(DueJob).where(DueJob.kind == "documents.convert")).all()
        assert len(retries) == 2 and all(job.due_at > job.created_at for job in retries)
        stored = db.session.get(CaseDocument, opinion["id"])
        assert stored.docx is not None and stored.docx_sha256  # the DOCX was kept
        app.config["DOCUMENT_CONVERTER"] = _fake_converter(tmp_path, "echo broken >&2; exit 3")
        db.session.execute(DueJob.__table__.update().values(next_attempt_at=DueJob.created_at))
        db.session.commit()
    run_due_jobs(app)
    opinion = documents(handler, case_id)[-1]
    assert opinion["pdf_status"] == "failed" and "退出码 3" in opinion["pdf_error"] and "broken" in opinion["pdf_error"]


def test_documents_are_seen_only_by_those_who_see_the_case(as_user):
    case_id = issued_case(as_user)
    opinion = documents(as_user("handler"), case_id)[-1]
    stranger = as_user("other.reviewer")
    assert stranger.get(f"/api/v1/cases/{case_id}/documents").status_code == 404
    for fmt in ("docx", "pdf"):
        response = stranger.get(f"/api/v1/documents/{opinion['id']}/{fmt}")
        assert (response.status_code, response.get_json()["error"]["code"]) == (404, "document_not_found")
    assert stranger.post(f"/api/v1/documents/{opinion['id']}/regenerate").status_code == 404
    assert as_user("supervisor").get(f"/api/v1/documents/{opinion['id']}/docx").status_code == 200  # the province


def test_regenerating_makes_a_new_version_and_keeps_the_old_one(app, as_user):
    case_id = issued_case(as_user)
    handler, reviewer = as_user("handler"), as_user("reviewer")
    opinion = documents(handler, case_id)[-1]
    refused = handler.post(f"/api/v1/documents/{opinion['id']}/regenerate")
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "role_required")
    made = reviewer.post(f"/api/v1/documents/{opinion['id']}/regenerate")
    assert made.status_code == 201, made.get_json()
    new = made.get_json()
    assert (new["version"], new["number"], new["created_by"], new["latest"]) == (2, opinion["number"], "reviewer", True)
    listed = documents(handler, case_id)
    assert [(d["kind"], d["version"], d["latest"]) for d in listed] == [
        ("submission", 1, True), ("opinion", 1, False), ("opinion", 2, True)]
    assert download(handler, listed[1]["docx_url"]) == download(handler, listed[2]["docx_url"])  # same record
    history = handler.get(f"/api/v1/cases/{case_id}/history").get_json()["events"]
    assert history[-1]["action"] == "document.regenerated" and history[-1]["actor"]["full_name"] == "reviewer"
    assert history[-1]["data"]["previous_version"] == 1


def test_without_pdf_documents_are_docx_only_and_queue_no_job(app, as_user):
    case_id = issued_case(as_user)  # the test configuration has DOCUMENT_PDF off
    listed = documents(as_user("handler"), case_id)
    assert [(d["pdf_status"], d["pdf_url"]) for d in listed] == [("off", None), ("off", None)]
    assert docx_text(download(as_user("handler"), listed[-1]["docx_url"])).count("审核意见：存在问题") == 1
    assert run_due_jobs(app) == []


def test_a_pdf_job_belongs_to_its_case_and_waits_in_the_documents_queue(app, as_user, tmp_path):
    """A failed conversion is an incident of the case's agency only, and never holds up a timer."""
    app.config.update(DOCUMENT_PDF=True, DOCUMENT_CONVERTER=_fake_converter(tmp_path, "exit 1"))
    case_id = issued_case(as_user)
    with app.app_context():
        jobs = db.session.scalars(select(DueJob).where(DueJob.kind == "documents.convert")).all()
        assert jobs and {(job.case_id, job.queue) for job in jobs} == {(case_id, "documents")}
        db.session.remove()
