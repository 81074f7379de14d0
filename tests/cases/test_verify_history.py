"""`flask review verify-history`: every case's chain checked against itself and the case's stored head."""
from sqlalchemy import text

from review_service.extensions import db


def _set_head(app, case_id: int, delta: int) -> None:
    with app.app_context():
        db.session.execute(text("UPDATE cases SET history_seq = history_seq + :delta WHERE id = :id"),
                           {"delta": delta, "id": case_id})
        db.session.commit()


def test_intact_histories_pass(runner, as_user):
    handler = as_user("handler")
    handler.submit(case_number="校验〔2026〕1号")
    handler.submit(case_number="校验〔2026〕2号")
    result = runner.invoke(args=["review", "verify-history"])
    assert result.exit_code == 0, result.output
    assert "2 cases checked, 0 broken" in result.output


def test_a_history_missing_its_last_events_is_named_and_fails(app, runner, as_user):
    handler = as_user("handler")
    intact = handler.submit(case_number="校验〔2026〕3号")
    cut = handler.submit(case_number="校验〔2026〕4号")
    # the same as removing the last event: the chain is shorter than the head the case row keeps
    _set_head(app, cut["id"], +1)
    try:
        result = runner.invoke(args=["review", "verify-history"])
    finally:  # on PostgreSQL the tables are shared by the tests
        _set_head(app, cut["id"], -1)
    assert result.exit_code == 1
    assert f"case {cut['id']} (校验〔2026〕4号): history broken at entry 3" in result.output  # the first missing entry
    assert f"case {intact['id']} " not in result.output and "2 cases checked, 1 broken" in result.output
