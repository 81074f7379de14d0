"""Loading a year's arrangement: validation, replacement with revisions, changed days, listeners."""
from datetime import date

import pytest
from sqlalchemy import func, select

from review_service.errors import InvalidInput
from review_service.extensions import db
from review_service.workdays.models import CalendarArrangement, CalendarArrangementDay
from review_service.workdays.service import (
    CalendarDataMissing,
    add_calendar_days,
    add_working_days,
    covered_years,
    describe_years,
    is_working_day,
    load_arrangement,
    register_calendar_listener,
    unregister_calendar_listener,
    working_days_between,
)

D = date.fromisoformat


def test_loading_2027_makes_the_year_end_computable(ctx, doc_2027):
    with pytest.raises(CalendarDataMissing):
        add_working_days(D("2026-12-24"), 6)
    loaded = load_arrangement(doc_2027(), source="2027.json")
    db.session.commit()
    assert (loaded.year, loaded.revision) == (2027, 1)
    assert len(loaded.changed_days) == 365  # nothing was known about 2027 before
    # 12-31 is day 5; 2027-01-01..01-03 are off (example data), so day 6 is Mon 01-04
    assert add_working_days(D("2026-12-24"), 6) == D("2027-01-04")
    assert add_working_days(D("2027-02-04"), 1) == D("2027-02-14")  # Sun 02-14 is the example's make-up day
    assert is_working_day(D("2027-02-20")) and not is_working_day(D("2027-02-08"))
    assert add_calendar_days(D("2026-12-02"), 30) == D("2027-01-04")
    assert working_days_between(D("2026-12-30"), D("2027-01-05")) == 3
    assert covered_years()[-1] == 2027
    assert describe_years()[-1] | {"loaded_at": None} == {
        "year": 2027, "source": "loaded", "revision": 1, "notice": doc_2027()["notice"], "notice_date": None,
        "example": False, "source_file": "2027.json", "loaded_at": None}


def test_reloading_a_year_replaces_it(ctx, doc_2027):
    load_arrangement(doc_2027())
    db.session.commit()
    assert not is_working_day(D("2027-01-02"))
    holidays = doc_2027()["holidays"]
    holidays[0] = {"name": "元旦", "from": "2027-01-01", "to": "2027-01-01"}  # Sat 01-02, Sun 01-03 stay weekends
    makeups = ["2027-02-14", "2027-02-20", "2027-04-25", "2027-09-26"]  # Sat 10-09 is no longer a make-up day
    second = load_arrangement(doc_2027(holidays=holidays, make_up_working_days=[*makeups, "2027-01-09"]))
    db.session.commit()
    assert second.revision == 2
    assert second.changed_days == [D("2027-01-09"), D("2027-10-09")]
    assert is_working_day(D("2027-01-09")) and not is_working_day(D("2027-10-09"))
    assert db.session.scalar(select(func.count(CalendarArrangement.id))) == 2  # the first is kept as history
    assert describe_years()[-1]["revision"] == 2


def test_a_loaded_year_overrides_the_package(ctx):
    document = {"year": 2026, "notice": "测试：覆盖 2026", "make_up_working_days": [],
                "holidays": [{"name": "元旦", "from": "2026-01-01", "to": "2026-01-01"}]}
    loaded = load_arrangement(document)
    db.session.commit()
    assert D("2026-01-02") in loaded.changed_days and D("2026-01-04") in loaded.changed_days
    assert is_working_day(D("2026-01-02")) and not is_working_day(D("2026-01-04"))
    assert is_working_day(D("2026-05-05"))  # this made-up arrangement has no 劳动节
    assert describe_years()[-1]["source"] == "loaded"


def test_a_bad_file_lists_every_problem_and_stores_nothing(ctx, doc_2027):
    holidays = doc_2027()["holidays"] + [{"name": "跨年", "from": "2027-12-30", "to": "2028-01-02"},
                                         {"name": "倒置", "from": "2027-06-05", "to": "2027-06-01"},
                                         {"name": "重叠", "from": "2027-10-07", "to": "2027-10-08"}]
    bad = doc_2027(holidays=holidays, make_up_working_days=["2027-02-10", "2027-10-02", "2026-12-26"])
    with pytest.raises(InvalidInput) as raised:
        load_arrangement(bad)
    problems = raised.value.fields
    assert raised.value.code == "invalid_arrangement"
    assert set(problems) == {"holidays.7", "holidays.8", "holidays.9", "make_up_working_days.0",
                             "make_up_working_days.1", "make_up_working_days.2"}
    assert "不在 2027 年内" in problems["holidays.7"][0]
    assert "晚于" in problems["holidays.8"][0]
    assert "重叠" in problems["holidays.9"][0]
    assert "不是星期六或星期日" in problems["make_up_working_days.0"][0]
    assert any("同时" in m for m in problems["make_up_working_days.1"])
    assert "不在 2027 年内" in problems["make_up_working_days.2"][0]
    db.session.rollback()
    assert db.session.scalar(select(func.count(CalendarArrangement.id))) == 0
    assert db.session.scalar(select(func.count(CalendarArrangementDay.id))) == 0
    with pytest.raises(CalendarDataMissing):
        is_working_day(D("2027-01-04"))


def test_missing_fields_and_bad_dates_are_reported(ctx):
    with pytest.raises(InvalidInput) as raised:
        load_arrangement({"year": "2027", "holidays": [{"name": "元旦", "from": "2027-13-01"}], "extra": 1})
    assert {"year", "notice", "holidays.0.from", "holidays.0.to", "extra"} <= set(raised.value.fields)


def test_listeners_are_called_with_the_changed_days_inside_the_transaction(ctx, doc_2027):
    seen = []

    def listener(changed_days, agency_id):
        seen.append((len(changed_days), agency_id,
                     add_working_days(D("2026-12-24"), 6)))  # the new data is visible before the commit
    register_calendar_listener(listener)
    try:
        first = load_arrangement(doc_2027())
        makeups = doc_2027()["make_up_working_days"] + ["2027-01-09"]
        second = load_arrangement(doc_2027(make_up_working_days=makeups))
    finally:
        unregister_calendar_listener(listener)
    assert [(first.year, first.revision), (second.year, second.revision)] == [(2027, 1), (2027, 2)]
    assert seen == [(365, None, D("2027-01-04")), (1, None, D("2027-01-04"))]
    db.session.rollback()
    with pytest.raises(CalendarDataMissing):  # rolled back: the cache must not keep the uncommitted year
        add_working_days(D("2026-12-24"), 6)


def test_another_process_sees_a_newly_loaded_year(app, doc_2027):
    with app.app_context(), pytest.raises(CalendarDataMissing):
        is_working_day(D("2027-01-04"))
    other = app.extensions.get("workdays", {}).get("snapshot")
    assert other is not None  # warmed up
    with app.app_context():  # simulate another node writing directly, without touching this process's cache
        db.session.add(CalendarArrangement(year=2027, revision=1, notice="x"))
        db.session.commit()
    with app.app_context():
        assert is_working_day(D("2027-01-04"))  # Mon, no holidays in this empty arrangement
        assert app.extensions["workdays"]["snapshot"] is not other


def test_a_rolled_back_load_leaves_no_trace_in_the_cache(ctx, doc_2027):
    load_arrangement(doc_2027())
    assert add_working_days(D("2026-12-24"), 6) == D("2027-01-04")
    db.session.rollback()
    # another process then commits a different 2027 arrangement (on SQLite it may get the same id again)
    other = CalendarArrangement(year=2027, revision=1, notice="其他")
    other.days = [CalendarArrangementDay(day=D(f"2027-01-0{d}"), kind="holiday", name="元旦") for d in (1, 2, 3, 4)]
    db.session.add(other)
    db.session.commit()
    assert add_working_days(D("2026-12-24"), 6) == D("2027-01-05")
