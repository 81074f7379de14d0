"""账号管理 pages: an administrator created by CLI creates a reviewer through the pages; the reviewer logs in
with the one-time password, must change it first, and completes a review. Deactivation ends sessions."""
import json
import re

from sqlalchemy import func, select

from review_service.accounts.models import User
from review_service.extensions import db

from ..factories import PASSWORD, ApiClient, PageClient, csrf_token, review

ADMIN_PASSWORD, REVIEWER_PASSWORD = "Admin password 2026", "Reviewer password 2026"


def one_time_password(html: str, username: str) -> str:
    row = re.search(rf'class="otp-username">{re.escape(username)}</td>.*?<code class="otp">([^<]+)</code>', html, re.S)
    return row.group(1)


def login_with_one_time_password(app, username: str, secret: str, new_password: str) -> PageClient:
    """Log in through the page, find every page sends to 修改密码 until the password is changed, change it."""
    page = PageClient(app.test_client())
    login_page = page.client.get("/login").get_data(as_text=True)
    answer = page.client.post("/login", data={"username": username, "password": secret,
                                              "csrf_token": csrf_token(login_page)})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/password")
    for path in ("/inbox", "/cases", "/notifications", "/admin/users"):
        assert page.client.get(path).headers.get("Location", "").endswith("/password"), path
    form = page.client.get("/password").get_data(as_text=True)
    assert "一次性密码" in form
    page.token = csrf_token(form)
    weak = page.post("/password", data={"current_password": secret, "new_password": "short",
                                        "new_password_again": "short"})
    assert weak.status_code == 422 and "密码至少 12 个字符" in weak.get_data(as_text=True)
    changed = page.post("/password", data={"current_password": secret, "new_password": new_password,
                                           "new_password_again": new_password})
    assert changed.status_code == 302 and changed.headers["Location"].endswith("/inbox")
    page.token = csrf_token(page.get("/inbox").get_data(as_text=True))
    return page


def test_cli_admin_creates_a_reviewer_on_the_pages_who_changes_the_password_and_reviews(app, runner, as_user):
    created = runner.invoke(args=["review", "users", "create", "chief", "--agency", "city", "--name", "王局管理",
                                  "--roles", "admin"])
    assert created.exit_code == 0, created.output
    admin = login_with_one_time_password(app, "chief", created.output.split("\t")[1], ADMIN_PASSWORD)
    accounts = admin.get("/admin/users").get_data(as_text=True)
    assert "账号管理" in accounts and 'value="city"' in accounts and 'value="other"' not in accounts
    taken = admin.post("/admin/users", data={"agency": "city", "username": "reviewer", "full_name": "重名",
                                             "roles": ["reviewer"]})
    assert taken.status_code == 422 and "用户名已存在" in taken.get_data(as_text=True)
    answer = admin.post("/admin/users", data={"agency": "city", "username": "li.reviewer", "full_name": "李审核",
                                              "roles": ["reviewer"]})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    secret = one_time_password(answer.get_data(as_text=True), "li.reviewer")
    admin_api = ApiClient.logged_in(app.test_client(), "chief", ADMIN_PASSWORD)
    staff = admin_api.post("/api/v1/agencies/city/staff", json={"kind": "legal_reviewer", "name": "李审核",
                                                                "legal_qualification_no": "A2020000123",
                                                                "valid_from": "2020-01-01"}).get_json()
    with app.app_context():
        reviewer_id = db.session.scalar(select(User.id).where(User.username == "li.reviewer"))
    account_page = admin.get(f"/admin/users/{reviewer_id}").get_data(as_text=True)
    assert "A2020000123" in account_page and "账号已创建" in account_page, staff
    assert admin.post(f"/admin/users/{reviewer_id}/staff/{staff['id']}", data={"link": "1"}).status_code == 302

    reviewer = login_with_one_time_password(app, "li.reviewer", secret, REVIEWER_PASSWORD)
    case = as_user("handler").submit()
    acceptance = as_user("handler").case(case["id"])["open_tasks"][0]["id"]
    accepted = reviewer.post(f"/tasks/{acceptance}", data={"data": json.dumps({"result": "accept"})})
    assert accepted.status_code == 302, accepted.get_data(as_text=True)
    review_task = next(t for t in as_user("handler").case(case["id"])["open_tasks"] if t["name"] == "review_case")
    form = {f"checklist.{point}.verdict": item["verdict"] for point, item in review()["checklist"].items()}
    form.update({"opinion": "approve", "opinion_text": "经审核，同意"})
    done = reviewer.post(f"/tasks/{review_task['id']}", data=form)
    assert done.status_code == 302, done.get_data(as_text=True)
    opinion = as_user("handler").case(case["id"])["opinions"][0]
    assert (opinion["opinion"], opinion["reviewer"]["full_name"]) == ("approve", "李审核")
    log = admin.get("/admin/users/log").get_data(as_text=True)
    for action in ("user.created", "user.password_changed", "staff.linked"):
        assert f'data-action="{action}"' in log


def test_account_pages_are_for_administrators_and_their_reach(app, page_as):
    assert page_as("handler").get("/admin/users").status_code == 403
    with app.app_context():
        other_id = db.session.scalar(select(User.id).where(User.username == "other.handler"))
    answer = page_as("admin").get(f"/admin/users/{other_id}")
    assert answer.status_code == 404 and "账号不存在" in answer.get_data(as_text=True)


def test_reset_on_the_page_shows_a_new_one_time_password(app, page_as):
    with app.app_context():
        handler_id = db.session.scalar(select(User.id).where(User.username == "handler"))
    answer = page_as("admin").post(f"/admin/users/{handler_id}/reset-password")
    assert answer.status_code == 200
    secret = one_time_password(answer.get_data(as_text=True), "handler")
    login_with_one_time_password(app, "handler", secret, "Case worker pass 2026")


def test_bad_import_on_the_page_lists_every_row_and_creates_nothing(app, page_as):
    import io
    sheet = "kind,name,username,roles\n执法人员,甲,jia,wizard\n执法人员,乙,handler,\n"
    answer = page_as("admin").post("/admin/users/import", data={"agency": "city",
                                                                "file": (io.BytesIO(sheet.encode()), "s.csv")},
                                   content_type="multipart/form-data")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "rows.2.roles" in html and "rows.3.username" in html
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.username == "jia")) is None


def test_deactivation_ends_every_session_and_token_at_once(app, as_user, client, page_as):
    handler_api, handler_page = as_user("handler"), page_as("handler")
    assert handler_page.get("/inbox").status_code == 200
    with app.app_context():
        handler_id = db.session.scalar(select(User.id).where(User.username == "handler"))
    answer = as_user("admin").post(f"/api/v1/users/{handler_id}/deactivate")
    assert answer.status_code == 200 and answer.get_json()["is_active"] is False
    assert handler_api.get("/api/v1/auth/me").status_code == 401
    assert handler_page.get("/inbox").status_code == 302  # back to the login page
    assert client.post("/api/v1/auth/login", json={"username": "handler", "password": PASSWORD}).status_code == 401
    back = page_as("admin").post(f"/admin/users/{handler_id}/reactivate")
    assert back.status_code == 200 and "账号已恢复" in back.get_data(as_text=True)
    login_with_one_time_password(app, "handler", one_time_password(back.get_data(as_text=True), "handler"),
                                 "Back at work 2026")
    admin_id = as_user("admin").get("/api/v1/auth/me").get_json()["id"]
    assert as_user("admin").post(f"/api/v1/users/{admin_id}/deactivate").get_json()["error"]["code"] == \
        "cannot_deactivate_self"




def test_bad_account_input_is_a_readable_answer_and_changes_nothing(app, page_as, as_user):
    with app.app_context():
        before = db.session.scalar(select(func.count(User.id)))
    admin = as_user("admin")
    for body in ([], "x", {"agency": "city"}, {"agency": "city", "username": "a b", "full_name": "x", "roles": ["x"]},
                 {"agency": 5, "username": "ok", "full_name": "x", "roles": "admin"}):
        answer = admin.post("/api/v1/users", json=body)
        assert answer.status_code in (404, 422) and "error" in answer.get_json(), body
    page = page_as("admin")
    for form in ({}, {"agency": "zzz", "username": "u", "full_name": "f"},
                 {"agency": "city", "username": "u u", "full_name": "f", "roles": "x"},
                 {"agency": "city", "username": "u u", "full_name": "f", "roles": "handler"},
                 {"agency": "city", "username": "ok", "full_name": " ", "roles": "handler"}):
        assert page.post("/admin/users", data=form).status_code in (404, 422), form
    assert page.post("/admin/users/import", data={"agency": "city"}).status_code == 422
    assert page.post("/admin/users/99999/roles", data={"roles": "admin"}).status_code == 404
    assert page.post("/admin/users/1/staff/99999", data={"link": "1"}).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == before
