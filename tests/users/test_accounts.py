"""Account management through the CLI and the API: one-time passwords, reach, policy, deactivation, log, import."""
import io
from types import SimpleNamespace

from openpyxl import Workbook
from sqlalchemy import select

from review_service.accounts.models import User
from review_service.extensions import db
from review_service.staffing.models import StaffMember
from review_service.users.models import AccountEvent

from ..factories import ApiClient

NEW_PASSWORD = "Neues Passwort 2026!"


def cli_one_time_password(output: str, username: str) -> str:
    line = next(line for line in output.splitlines() if line.startswith(username + "\t"))
    return line.split("\t")[1]


def test_cli_create_list_set_roles_reset_deactivate_and_log(app, runner, client):
    created = runner.invoke(args=["review", "users", "create", "boss", "--agency", "city", "--name", "局管理员",
                                  "--roles", "admin,supervisor"])
    assert created.exit_code == 0, created.output
    secret = cli_one_time_password(created.output, "boss")
    assert len(secret) >= 14
    login = client.post("/api/v1/auth/login", json={"username": "boss", "password": secret})
    assert login.status_code == 200 and login.get_json()["user"]["must_change_password"] is True
    listed = runner.invoke(args=["review", "users", "list", "--agency", "city"]).output
    assert "boss\t局管理员\tcity\tadmin,supervisor\tactive\tmust-change-password" in listed
    assert runner.invoke(args=["review", "users", "set-roles", "boss", "--roles", "admin"]).output == "boss: admin\n"
    bad = runner.invoke(args=["review", "users", "set-roles", "boss", "--roles", "admin,wizard"])
    assert bad.exit_code == 1 and "unknown_role" in bad.output
    again = runner.invoke(args=["review", "users", "reset-password", "boss"])
    token = login.get_json()["token"]
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert cli_one_time_password(again.output, "boss") != secret
    assert runner.invoke(args=["review", "users", "deactivate", "boss"]).exit_code == 0
    twice = runner.invoke(args=["review", "users", "deactivate", "boss"])
    assert twice.exit_code == 1 and "already_deactivated" in twice.output
    assert client.post("/api/v1/auth/login", json={"username": "boss", "password": cli_one_time_password(
        again.output, "boss")}).status_code == 401
    back = runner.invoke(args=["review", "users", "reactivate", "boss"])
    login = client.post("/api/v1/auth/login", json={"username": "boss",
                                                    "password": cli_one_time_password(back.output, "boss")})
    assert login.status_code == 200 and login.get_json()["user"]["must_change_password"] is True
    log = runner.invoke(args=["review", "users", "log", "--user", "boss"]).output.splitlines()
    assert [line.split("\t")[3] for line in log] == ["user.reactivated", "user.deactivated", "user.password_reset",
                                                     "user.roles_set", "user.created"]
    taken = runner.invoke(args=["review", "users", "create", "handler", "--agency", "city", "--name", "x",
                                "--roles", "handler"])
    assert taken.exit_code == 1 and "username_taken" in taken.output


def test_one_time_password_must_be_changed_first_and_the_policy_applies(as_user, client):
    created = as_user("admin").post("/api/v1/users", json={"agency": "city", "username": "new.reviewer",
                                                            "full_name": "新审核", "roles": ["reviewer"]})
    assert created.status_code == 201, created.get_json()
    secret = created.get_json()["one_time_password"]
    new = ApiClient.logged_in(client, "new.reviewer", secret)
    refused = new.get("/api/v1/tasks")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "password_change_required"
    assert new.get("/api/v1/auth/me").get_json()["must_change_password"] is True
    for weak, problem in (("short1A", "至少 12 个字符"), ("alllowercaseletters", "至少 3 类"),
                          ("New.Reviewer 2026", "不能包含用户名")):
        answer = new.post("/api/v1/auth/password", json={"current_password": secret, "new_password": weak})
        assert answer.status_code == 422 and answer.get_json()["error"]["code"] == "weak_password"
        assert any(problem in message for message in answer.get_json()["error"]["fields"]["new_password"])
    wrong = new.post("/api/v1/auth/password", json={"current_password": "nope", "new_password": NEW_PASSWORD})
    assert wrong.get_json()["error"]["code"] == "wrong_password"
    assert new.post("/api/v1/auth/password", json={"current_password": secret,
                                                  "new_password": NEW_PASSWORD}).status_code == 204
    assert new.get("/api/v1/tasks").status_code == 200  # the same token goes on working
    assert client.post("/api/v1/auth/login", json={"username": "new.reviewer", "password": secret}).status_code == 401


def test_weak_policy_is_configurable(app, as_user, client):
    app.config.update(PASSWORD_MIN_LENGTH=20, PASSWORD_MIN_CLASSES=4)
    secret = as_user("admin").post("/api/v1/users", json={"agency": "city", "username": "x1", "full_name": "x",
                                                           "roles": ["handler"]}).get_json()["one_time_password"]
    assert len(secret) >= 20
    new = ApiClient.logged_in(client, "x1", secret)
    answer = new.post("/api/v1/auth/password", json={"current_password": secret, "new_password": "Sixteen chars 1!"})
    assert answer.status_code == 422  # 20 characters needed now
    assert "至少 20 个字符" in answer.get_json()["error"]["fields"]["new_password"][0]


def test_a_one_time_password_never_contains_the_username(as_user, client, monkeypatch):
    """A random password contains a short username now and then (about 1 in 100 for "x1"), which the policy
    refuses: the generator draws again. The first draw here contains "X1"; the account is still created."""
    draws = iter("aX1bcdefgh-Jk2" "aY2bcdefgh-Jk3")
    monkeypatch.setattr("review_service.accounts.passwords.secrets", SimpleNamespace(choice=lambda _: next(draws)))
    answer = as_user("admin").post("/api/v1/users", json={"agency": "city", "username": "x1", "full_name": "x",
                                                          "roles": ["handler"]})
    assert answer.status_code == 201, answer.get_json()
    secret = answer.get_json()["one_time_password"]
    assert secret == "aY2bcdefgh-Jk3"
    assert client.post("/api/v1/auth/login", json={"username": "x1", "password": secret}).status_code == 200


def test_an_administrator_reaches_only_their_agency_and_below(app, as_user):
    admin = as_user("admin")  # at city, below province; "other" is city's sibling
    with app.app_context():
        other_id = db.session.scalar(select(User.id).where(User.username == "other.handler"))
    assert admin.get(f"/api/v1/users/{other_id}").status_code == 404
    assert admin.post(f"/api/v1/users/{other_id}/deactivate").status_code == 404
    assert admin.post(f"/api/v1/users/{other_id}/reset-password").get_json()["error"]["code"] == "user_not_found"
    create = admin.post("/api/v1/users", json={"agency": "other", "username": "sneaky", "full_name": "x",
                                               "roles": ["admin"]})
    assert create.status_code == 404 and create.get_json()["error"]["code"] == "agency_not_found"
    names = {item["username"] for item in admin.get("/api/v1/users").get_json()["items"]}
    assert "handler" in names and "other.handler" not in names and "supervisor" not in names
    assert as_user("handler").get("/api/v1/users").get_json()["error"]["code"] == "admin_required"
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.username == "sneaky")) is None


def test_account_log_roles_and_staff_links(app, as_user):
    admin = as_user("admin")
    user = admin.post("/api/v1/users", json={"agency": "city", "username": "r9", "full_name": "九审核",
                                             "roles": ["reviewer"]}).get_json()["user"]
    staff = admin.post("/api/v1/agencies/city/staff", json={"kind": "legal_reviewer", "name": "九审核",
                                                            "legal_qualification_no": "A2020000009",
                                                            "valid_from": "2020-01-01"})
    staff_id = staff.get_json()["id"]
    assert admin.client.put(f"/api/v1/users/{user['id']}/staff/{staff_id}", headers=admin.headers).status_code == 204
    assert admin.client.put(f"/api/v1/users/{user['id']}/roles", json={"roles": ["reviewer", "handler"]},
                            headers=admin.headers).get_json()["roles"] == ["handler", "reviewer"]
    empty = admin.client.put(f"/api/v1/users/{user['id']}/roles", json={"roles": []}, headers=admin.headers)
    assert empty.status_code == 422
    events = admin.get(f"/api/v1/users/{user['id']}/events").get_json()["items"]
    assert [e["action"] for e in events] == ["user.roles_set", "staff.linked", "user.created"]
    assert events[0]["data"] == {"before": ["reviewer"], "roles": ["handler", "reviewer"]}
    assert events[0]["actor"]["full_name"] == "admin"
    assert admin.get("/api/v1/users/events").get_json()["items"][0]["user"]["username"] == "r9"
    with app.app_context():
        assert db.session.get(StaffMember, staff_id).user_id == user["id"]


SHEET = ("kind,name,legal_qualification_no,enforcement_certificate_no,valid_from,username,roles\n"
         "法制审核人员,甲审核,A2021000001,,2021-01-01,jia,\n"
         "执法人员,乙执法,,city-9001,2021-01-01,yi,handler、supervisor\n"
         "执法人员,丙执法,,city-9002,2021-01-01,,\n")


def test_import_from_the_staff_sheet_is_all_or_nothing_and_lists_every_problem(app, as_user):
    admin = as_user("admin")
    bad = SHEET + "法制审核人员,丁审核,A1,,2021-01-01,handler,\n执法人员,戊,,x,2021-01-01,wu,wizard\n"
    answer = admin.post("/api/v1/users/import?agency=city", data={"file": (io.BytesIO(bad.encode()), "s.csv")},
                        content_type="multipart/form-data", json=None)
    body = answer.get_json()["error"]
    assert answer.status_code == 422 and body["code"] == "import_failed"
    assert set(body["fields"]) == {"rows.5.username", "rows.6.roles"}
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.username == "jia")) is None
        assert db.session.scalar(select(AccountEvent.id)) is None
    good = admin.post("/api/v1/users/import?agency=city", data={"file": (io.BytesIO(SHEET.encode()), "s.csv")},
                      content_type="multipart/form-data", json=None)
    items = good.get_json()["items"]
    assert good.status_code == 201 and [i["user"]["username"] for i in items] == ["jia", "yi"]
    assert items[0]["user"]["roles"] == ["reviewer"] and items[1]["user"]["roles"] == ["handler", "supervisor"]
    assert all(i["user"]["must_change_password"] and len(i["one_time_password"]) >= 14 for i in items)
    # the same sheet then registers the staff records, linked to the new accounts
    staff = admin.post("/api/v1/agencies/city/staff/import", data={"file": (io.BytesIO(SHEET.encode()), "s.csv")},
                       content_type="multipart/form-data", json=None)
    assert staff.status_code == 201, staff.get_json()
    assert [s["username"] for s in staff.get_json()["items"]] == ["jia", "yi", None]


def test_import_reads_xlsx_and_links_existing_staff(app, as_user, runner, tmp_path):
    admin = as_user("admin")
    admin.post("/api/v1/agencies/city/staff", json={"kind": "legal_reviewer", "name": "庚审核",
                                                    "legal_qualification_no": "A2022000007",
                                                    "valid_from": "2022-01-01"})
    book = Workbook()
    sheet = book.active
    sheet.append(["kind", "name", "legal_qualification_no", "username"])
    sheet.append(["法制审核人员", "庚审核", "A2022000007", "geng"])
    path = tmp_path / "staff.xlsx"
    book.save(path)
    result = runner.invoke(args=["review", "users", "import", "city", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("geng\t")
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "geng"))
        assert db.session.scalar(select(StaffMember.user_id).where(StaffMember.name == "庚审核")) == user_id
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    refused = runner.invoke(args=["review", "users", "import", "city", str(bad)])
    assert refused.exit_code == 1 and "import_failed" in refused.output


def test_every_path_that_sets_a_password_applies_the_policy(app, runner, tmp_path):
    import pytest

    from review_service.accounts.service import create_user
    from review_service.errors import InvalidInput
    with app.app_context():
        with pytest.raises(InvalidInput) as raised:  # the seed and every service path go through create_user
            create_user(agency_id=1, username="weak", full_name="x", password="password", roles=["handler"])
        assert raised.value.code == "weak_password" and len(raised.value.fields["password"]) == 2
        db.session.rollback()
    kept = tmp_path / "demo-passwords.txt"
    kept.write_text("deputy\tweak\n", encoding="utf-8")  # an old, weak demo password is replaced, not reused
    seeded = runner.invoke(args=["review", "seed-demo", "--password-file", str(kept)])
    assert seeded.exit_code == 0, seeded.output
    passwords = dict(line.split("\t") for line in kept.read_text(encoding="utf-8").splitlines())
    assert passwords["deputy"] != "weak" and "gd.head" in passwords
    with app.app_context():
        from review_service.accounts.passwords import password_problems
        assert all(password_problems(secret, username=user) == [] for user, secret in passwords.items())
