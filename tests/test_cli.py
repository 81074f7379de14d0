"""flask review seed-demo / publish-defaults."""
from sqlalchemy import func, select

from review_service.accounts.models import User
from review_service.extensions import db
from review_service.processes.models import ProcessVersion


def test_seed_demo_is_idempotent_and_keeps_passwords_private(app, runner, tmp_path, client):
    password_file = tmp_path / "demo-passwords.txt"
    first = runner.invoke(args=["review", "seed-demo", "--password-file", str(password_file)])
    assert first.exit_code == 0, first.output
    passwords = dict(line.split("\t") for line in password_file.read_text().splitlines())
    assert passwords["county.reviewer"] in first.output  # the fixture's own users keep their passwords
    assert "reviewer" not in passwords
    assert oct(password_file.stat().st_mode & 0o777) == "0o600"
    second = runner.invoke(args=["review", "seed-demo", "--password-file", str(password_file)])
    assert second.exit_code == 0
    assert dict(line.split("\t") for line in password_file.read_text().splitlines()) == passwords
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id)).where(User.username == "county.reviewer")) == 1
    login = client.post("/api/v1/auth/login",
                        json={"username": "county.handler", "password": passwords["county.handler"]})
    assert login.status_code == 200


def test_publish_defaults_adds_a_version_only_when_the_files_change(app, runner, tmp_path):
    result = runner.invoke(args=["review", "publish-defaults"])
    assert result.exit_code == 0 and "version 1" in result.output
    changed = tmp_path / "workflows" / "default"
    changed.mkdir(parents=True)
    source = (app.config["WORKFLOWS_DIR"] / "default" / "legal_review.bpmn").read_text(encoding="utf-8")
    (changed / "legal_review.bpmn").write_text(source.replace("受理审查（材料完整性）", "受理审查"), encoding="utf-8")
    app.config["WORKFLOWS_DIR"] = tmp_path / "workflows"
    result = runner.invoke(args=["review", "publish-defaults"])
    assert result.exit_code == 0 and "version 2" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(ProcessVersion.id))) == 2


def test_publish_defaults_reports_a_broken_diagram(app, runner, tmp_path):
    broken = tmp_path / "workflows" / "default"
    broken.mkdir(parents=True)
    (broken / "legal_review.bpmn").write_text("<bpmn:definitions", encoding="utf-8")
    app.config["WORKFLOWS_DIR"] = tmp_path / "workflows"
    result = runner.invoke(args=["review", "publish-defaults"])
    assert result.exit_code == 1
    assert "legal_review.bpmn:1" in result.output and "XML" in result.output


def test_seed_demo_commits_nothing_when_the_password_file_cannot_be_written(app, runner, tmp_path):
    from sqlalchemy import func, select

    from review_service.accounts.models import User
    from review_service.extensions import db
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(User))
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    result = runner.invoke(args=["review", "seed-demo", "--password-file", str(blocker / "demo-passwords.txt")])
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == before
