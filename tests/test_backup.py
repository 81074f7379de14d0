"""docker/backup.sh and restore.sh for real: back up the PostgreSQL test database and the attachments,
restore them into a freshly created empty database, and find every case, its history and its files intact.

Runs in the PostgreSQL pass (`make test` runs it; CI requires it); on SQLite it is skipped.
"""
import hashlib
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from review_service import create_app
from review_service.attachments.models import Attachment
from review_service.audit.service import verify_case_history
from review_service.cases.models import Case
from review_service.extensions import db
from review_service.observability.readiness import readiness_checks

from .factories import PASSWORD, PDF, PG_URL, ApiClient, review, upload_attachment

DOCKER = Path(__file__).resolve().parent.parent / "docker"
pytestmark = pytest.mark.skipif(not PG_URL, reason="backup/restore uses pg_dump and pg_restore: "
                                                   "runs in the PostgreSQL pass (TEST_DATABASE_URL)")


@pytest.fixture
def scratch_database():
    """An empty database beside the test database, dropped afterwards; yields its URL."""
    name = f"wt_restore_{uuid.uuid4().hex[:10]}"
    base, _, _ = PG_URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _script(name: str, argument: Path, database_url: str, attachments: Path):
    assert shutil.which("pg_dump") and shutil.which("pg_restore"), "PostgreSQL client tools are required"
    result = subprocess.run(["sh", str(DOCKER / name), str(argument)], capture_output=True, text=True,
                            env={**os.environ, "DATABASE_URL": database_url, "REVIEW_ATTACHMENTS_DIR": str(attachments)})
    assert result.returncode == 0, result.stderr


def _make_cases(as_user) -> dict[int, dict]:
    handler, reviewer = as_user("handler"), as_user("reviewer")
    cases = {}
    for number in range(3):
        attachment = upload_attachment(handler, PDF, f"调查终结报告{number}.pdf").get_json()
        case = handler.submit(case_number=f"市监罚〔2026〕备份{number}号", materials=[
            {"name": "调查终结报告", "category": "investigation_report", "attachment_ids": [attachment["id"]]}])
        if number > 0:
            reviewer.post(f"/api/v1/tasks/{reviewer.open_task(case['id'], 'accept_submission')['id']}/claim")
            reviewer.complete(case["id"], "accept_submission", {"result": "accept"})
        if number > 1:
            reviewer.complete(case["id"], "review_case", review("approve"))
        cases[case["id"]] = {"case": handler.case(case["id"]), "attachment": attachment["id"]}
    return cases


def _history(case_id: int) -> list[tuple]:
    events, broken = verify_case_history(db.session.get(Case, case_id))
    assert broken is None
    return [(event.seq, event.action, event.hash) for event in events]


def test_restore_a_backup_into_an_empty_database(app, as_user, tmp_path, scratch_database):
    cases = _make_cases(as_user)
    with app.app_context():
        histories = {case_id: _history(case_id) for case_id in cases}
    _script("backup.sh", tmp_path / "backup", PG_URL, app.config["ATTACHMENTS_DIR"])
    assert {p.name for p in (tmp_path / "backup").iterdir()} == {"database.dump", "attachments.tar.gz", "MANIFEST"}

    restored_files = tmp_path / "restored-attachments"
    _script("restore.sh", tmp_path / "backup", scratch_database, restored_files)
    restored = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database.replace(
        "postgresql://", "postgresql+psycopg://", 1), "ATTACHMENTS_DIR": restored_files})
    try:
        with restored.app_context():
            assert all(check["ok"] for check in readiness_checks().values())  # migrations at head included
            assert {case_id: _history(case_id) for case_id in cases} == histories
            db.session.remove()
        handler = ApiClient.logged_in(restored.test_client(), "handler", PASSWORD)
        for case_id, before in cases.items():
            after = handler.case(case_id)
            for key in ("status", "round", "case_number", "open_tasks", "materials", "deadlines"):
                assert after[key] == before["case"][key], key
            download = handler.get(f"/api/v1/attachments/{before['attachment']}")
            assert download.status_code == 200 and download.data == PDF
    finally:
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()


def test_backup_as_a_stream_restores_into_an_empty_database_and_verifies(app, as_user, tmp_path, scratch_database):
    """The runbook's form: `backup -` > file, `restore -` < file, then verify-history and verify-attachments."""
    _make_cases(as_user)
    archive = tmp_path / "backup.tar"
    with archive.open("wb") as out:
        made = subprocess.run(["sh", str(DOCKER / "backup.sh"), "-"], stdout=out, stderr=subprocess.PIPE, text=False,
                              env={**os.environ, "DATABASE_URL": PG_URL, "REVIEW_ATTACHMENTS_DIR": str(app.config["ATTACHMENTS_DIR"]),
                                   "REVIEW_LOG_FORMAT": "json"})
    assert made.returncode == 0 and b'"message": "backup written to stdout"' in made.stderr

    with archive.open("rb") as stream:  # into the test database itself: not empty, refused, nothing changed
        refused = subprocess.run(["sh", str(DOCKER / "restore.sh"), "-"], stdin=stream, capture_output=True, text=True,
                                 env={**os.environ, "DATABASE_URL": PG_URL, "REVIEW_ATTACHMENTS_DIR": str(tmp_path / "x")})
    assert refused.returncode == 1 and "the database is not empty" in refused.stderr

    restored_files = tmp_path / "restored"
    with archive.open("rb") as stream:
        restored = subprocess.run(["sh", str(DOCKER / "restore.sh"), "-"], stdin=stream, capture_output=True, text=True,
                                  env={**os.environ, "DATABASE_URL": scratch_database, "REVIEW_ATTACHMENTS_DIR": str(restored_files)})
    assert restored.returncode == 0, restored.stderr
    restored_app = create_app({"TESTING": True, "ATTACHMENTS_DIR": restored_files,
                               "SQLALCHEMY_DATABASE_URI": scratch_database.replace("postgresql://", "postgresql+psycopg://", 1)})
    try:
        runner = restored_app.test_cli_runner()
        history = runner.invoke(args=["review", "verify-history"])
        files = runner.invoke(args=["review", "verify-attachments"])
        assert history.exit_code == 0 and "3 cases checked, 0 broken" in history.output, history.output
        assert files.exit_code == 0 and "3 files checked, 0 missing or changed" in files.output, files.output
        # the runbook's way to take one file from an older backup: tar -xOf B.tar attachments.tar.gz | tar -xzf - -C DIR
        older = tmp_path / "older"
        older.mkdir()
        taken = subprocess.run(f"tar -xOf {archive} attachments.tar.gz | tar -xzf - -C {older}", shell=True)
        assert taken.returncode == 0
        with restored_app.app_context():
            for attachment in db.session.scalars(select(Attachment)):
                path = older / str(attachment.agency_id) / attachment.id
                assert hashlib.sha256(path.read_bytes()).hexdigest() == attachment.sha256
    finally:
        with restored_app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_damaged_backup_is_refused_before_anything_is_restored(app, tmp_path, scratch_database):
    _script("backup.sh", tmp_path / "backup", PG_URL, app.config["ATTACHMENTS_DIR"])
    dump = tmp_path / "backup" / "database.dump"
    dump.write_bytes(dump.read_bytes()[:-10])
    result = subprocess.run(["sh", str(DOCKER / "restore.sh"), str(tmp_path / "backup")], capture_output=True, text=True,
                            env={**os.environ, "DATABASE_URL": scratch_database, "REVIEW_ATTACHMENTS_DIR": str(tmp_path / "r")})
    assert result.returncode == 1 and "database.dump does not match its checksum" in result.stderr
    assert not (tmp_path / "r").exists()
    with psycopg.connect(scratch_database) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0


def test_backup_refuses_a_folder_that_is_not_empty(app, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "database.dump").write_bytes(b"yesterday")
    result = subprocess.run(["sh", str(DOCKER / "backup.sh"), str(tmp_path / "old")], capture_output=True, text=True,
                            env={**os.environ, "DATABASE_URL": PG_URL, "REVIEW_ATTACHMENTS_DIR": str(tmp_path / "a")})
    assert result.returncode == 1 and "is not empty" in result.stderr
    assert (tmp_path / "old" / "database.dump").read_bytes() == b"yesterday"
