"""review_service/persistence.py: flush_changes writes what session.flush() would, add_at_once keeps its rows."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from review_service.agencies.models import Agency
from review_service.cases.models import Case
from review_service.extensions import db
from review_service.persistence import add_at_once, flush_changes
from review_service.unit_of_work import unit_of_work

from .factories import under_review


def _agencies(*codes: str) -> list[int]:
    rows = [Agency(code=code, name=f"{code}局", level="county") for code in codes]
    db.session.add_all(rows)
    db.session.flush()
    return [row.id for row in rows]


def _names(ids: list[int]) -> list[str]:
    """As the table holds them, not the session."""
    return list(db.session.connection().scalars(select(Agency.name).where(Agency.id.in_(ids)).order_by(Agency.id)))


def test_changed_columns_of_loaded_rows_are_written_and_the_session_is_clean(app):
    with app.app_context():
        with unit_of_work():
            ids = _agencies("fc1", "fc2", "fc3")
        with unit_of_work():
            first, second, third = (db.session.get(Agency, id_) for id_ in ids)
            first.name, second.name, second.level = "改名一", "改名二", "city"
            third.name = third.name  # no net change: nothing to write
            flush_changes()
            assert not db.session.dirty and not db.session.new
            assert _names(ids) == ["改名一", "改名二", "fc3局"]
        assert _names(ids) == ["改名一", "改名二", "fc3局"]
        db.session.remove()


def test_onupdate_columns_are_set_in_the_table_and_on_the_object(app, as_user, frozen_clock):
    case_id = under_review(as_user)
    frozen_clock.tick(timedelta(hours=2))
    with app.app_context():
        with unit_of_work():
            case = db.session.get(Case, case_id)
            before = case.updated_at
            case.title = "新标题"
            flush_changes()
            stored = db.session.connection().execute(
                select(Case.title, Case.updated_at).where(Case.id == case_id)).one()
            assert stored.title == "新标题"
            assert stored.updated_at == case.updated_at > before + timedelta(hours=1)
        db.session.remove()


def test_pending_new_rows_fall_back_to_the_unit_of_work(app):
    with app.app_context():
        with unit_of_work():
            (kept,) = _agencies("fc4")
        with unit_of_work():
            db.session.get(Agency, kept).name = "改名四"
            added = Agency(code="fc5", name="fc5局", level="county")
            db.session.add(added)
            flush_changes()
            assert added.id is not None and not db.session.new and not db.session.dirty
            assert _names([kept, added.id]) == ["改名四", "fc5局"]
        db.session.remove()


def test_a_row_gone_from_the_table_is_stale_as_with_a_flush(app):
    with app.app_context():
        with unit_of_work():
            (gone,) = _agencies("fc6")
        with pytest.raises(StaleDataError), unit_of_work():
            agency = db.session.get(Agency, gone)
            db.session.connection().execute(update(Agency).where(Agency.id == gone).values(id=gone + 100000))
            agency.name = "改名六"
            flush_changes()
        db.session.remove()


def test_add_at_once_gives_ids_and_defaults_and_keeps_the_rows_as_read(app):
    with app.app_context():
        with unit_of_work():
            rows = [Agency(code=f"fc{n}", name=f"fc{n}局") for n in (7, 8)]
            add_at_once(rows)
            assert all(row.id is not None for row in rows) and rows[0].id != rows[1].id
            assert [row.level for row in rows] == ["county", "county"]  # the column's default, set as a flush does
            assert not db.session.new and not db.session.dirty
            assert db.session.get(Agency, rows[1].id) is rows[1]
            assert _names([row.id for row in rows]) == ["fc7局", "fc8局"]
        db.session.remove()
