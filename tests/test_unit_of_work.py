"""review_service/unit_of_work.py: the outermost caller commits once, or nothing is stored."""
import pytest
from sqlalchemy import func, select

from review_service import unit_of_work as unit_of_work_module
from review_service.agencies.models import Agency
from review_service.extensions import db
from review_service.unit_of_work import discard, keeps_changes_on, reading, transactional, unit_of_work

from .factories import PASSWORD, csrf_token, submission


def _add_agency(code: str) -> Agency:
    agency = Agency(code=code, name=f"{code}局", level="county")
    db.session.add(agency)
    db.session.flush()
    return agency


def _stored(app, code: str) -> bool:
    with app.app_context():
        found = db.session.scalar(select(func.count()).select_from(Agency).where(Agency.code == code))
        db.session.remove()
        return found == 1


def test_a_unit_commits_once_when_it_ends_normally(app):
    with app.app_context():
        with unit_of_work():
            _add_agency("kept")
        db.session.remove()
    assert _stored(app, "kept")


def test_any_exception_rolls_everything_back(app):
    with app.app_context(), pytest.raises(ZeroDivisionError), unit_of_work():
        _add_agency("lost")
        raise ZeroDivisionError("any exception")
    assert not _stored(app, "lost")


def test_a_refusal_named_in_keep_on_commits_then_propagates(app):
    with app.app_context(), pytest.raises(LookupError), unit_of_work(keep_on=(LookupError,)):
        _add_agency("counted")
        raise LookupError("refused, but its bookkeeping stays")
    assert _stored(app, "counted")


def test_discard_rolls_back_at_once_and_the_unit_ends_without_committing(app):
    with app.app_context():
        with unit_of_work():
            _add_agency("draft")
            discard()
            assert db.session.scalar(select(func.count()).select_from(Agency).where(Agency.code == "draft")) == 0
        db.session.remove()
    assert not _stored(app, "draft")


def test_discard_outside_a_unit_of_work_is_a_programming_error(app):
    with app.app_context(), pytest.raises(RuntimeError):
        discard()


def test_transactional_runs_a_command_in_one_unit(app):
    @transactional
    def command(code):
        _add_agency(code)
        if code == "bad":
            raise ValueError(code)

    with app.app_context():
        command("good")
        with pytest.raises(ValueError):
            command("bad")
        db.session.remove()
    assert _stored(app, "good") and not _stored(app, "bad")


def test_reading_never_keeps_a_change(app):
    with app.app_context():
        with reading():
            _add_agency("probe")
        db.session.remove()
    assert not _stored(app, "probe")


def test_an_api_error_answer_stores_nothing_the_handler_did(app, as_user):
    """The case row is flushed before its material's unknown attachment is refused."""
    materials = [{"name": "调查终结报告", "category": "investigation_report", "attachment_ids": ["no-such-file"]}]
    response = as_user("handler").post("/api/v1/cases", json=submission(materials=materials))
    assert response.status_code >= 400
    assert _count_cases(app) == 0


def test_a_view_answering_an_error_status_stores_nothing_unless_it_keeps_that_status(fresh_app):
    app = fresh_app
    def refuse(code):
        _add_agency(code)
        return "refused", 409

    @keeps_changes_on(409)
    def refuse_but_keep(code):
        return refuse(code)

    app.add_url_rule("/refuse/<code>", "refuse", refuse, methods=["POST"])
    app.add_url_rule("/refuse-but-keep/<code>", "refuse_but_keep", refuse_but_keep, methods=["POST"])
    unit_of_work_module.init_app(app)  # wraps the two new views (and the others a second time: harmless)
    client = app.test_client()
    assert client.post("/refuse/gone").status_code == 409
    assert client.post("/refuse-but-keep/kept").status_code == 409
    assert not _stored(app, "gone") and _stored(app, "kept")


def test_a_refused_page_login_still_counts_the_failed_attempt(client):
    for _ in range(5):
        token = csrf_token(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"username": "handler", "password": "wrong", "csrf_token": token})
        assert response.status_code == 401
    token = csrf_token(client.get("/login").get_data(as_text=True))
    locked = client.post("/login", data={"username": "handler", "password": PASSWORD, "csrf_token": token})
    assert locked.status_code == 401  # the right password, refused: five failures were kept
    assert client.post("/api/v1/auth/login", json={"username": "handler", "password": PASSWORD}) \
        .get_json()["error"]["code"] == "account_locked"


def _count_cases(app) -> int:
    from review_service.cases.models import Case
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Case))
        db.session.remove()
        return count


class _Transient(Exception):
    """What psycopg raises for a deadlock: an error carrying PostgreSQL's SQLSTATE."""

    def __init__(self, sqlstate: str):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(("sqlstate", "runs", "status"), [("40P01", 2, 201), ("40001", 2, 201), ("23505", 1, 500)])
def test_a_view_ended_by_a_deadlock_runs_again_from_nothing(fresh_app, sqlstate, runs, status):
    """A deadlock or serialization failure rolls the first run back and runs the view again; other database
    errors are not retried. The first run's row is never stored twice."""
    from sqlalchemy.exc import DBAPIError
    app, calls = fresh_app, []

    def once_refused():
        calls.append(1)
        _add_agency("retried")
        if len(calls) == 1:
            raise DBAPIError("UPDATE case_status_counts ...", None, _Transient(sqlstate))
        return "stored", 201

    app.add_url_rule("/once-refused", "once_refused", once_refused, methods=["POST"])
    unit_of_work_module.init_app(app)
    assert app.test_client().post("/once-refused").status_code == status
    assert len(calls) == runs and _stored(app, "retried") is (status == 201)
