"""Checks of bench/multi_node.py, in SQL on the shared database: nothing lost, nothing done twice.

- every driven case exists, is decided and closed, has no open task, two opinions and one decision
  on round 2;
- every case's history is hash-chained intact and its head matches its last event;
- every case's sequence of history actions equals the first plain case's, except exactly one
  `deadline.overdue` in each case whose deadline was made to fire (no event lost or duplicated);
- one overdue review deadline per fired case, no duplicated overdue notification (case, user);
- no due job left: none pending (due or not: a closed case keeps none) and no incident.
"""
from collections import Counter, defaultdict
from pathlib import Path

from common import make_app

OVERDUE = "deadline.overdue"


def verify(url: str, workdir: Path, results: list[tuple[int, bool]]) -> tuple[dict, list[str]]:
    """(numbers, violations) for the driven cases [(case id, made overdue)]."""
    from review_service.extensions import db
    app = make_app(url, workdir)
    with app.app_context():
        try:
            checks = {**_case_checks(results), **_history_checks(results), **_job_checks(results)}
        finally:
            db.session.remove()
            db.engine.dispose()
    expected = {"cases_found": len(results), "decided_and_closed": len(results), "open_tasks": 0,
                "opinions": 2 * len(results), "decisions_on_round_2": len(results),
                "broken_chains": 0, "mismatched_heads": 0, "cases_with_other_history": 0,
                "overdue_events": sum(overdue for _id, overdue in results),
                "cases_fired_twice": 0, "overdue_deadlines": sum(overdue for _id, overdue in results),
                "duplicate_notifications": 0, "jobs_pending": 0, "job_incidents": 0}
    violations = [f"{name}: {checks[name]}, expected {value}" for name, value in expected.items()
                  if checks[name] != value]
    if checks["other_history_examples"]:
        violations.append(f"history differs, e.g. {checks['other_history_examples'][0]}")
    return checks, violations


def _case_checks(results) -> dict:
    from sqlalchemy import func, select

    from review_service.cases.models import OPEN, Case, Decision, Opinion, Task
    from review_service.extensions import db
    ids = [case_id for case_id, _overdue in results]
    count = func.count()
    return {
        "cases_found": db.session.scalar(select(count).select_from(Case).where(Case.id.in_(ids))),
        "decided_and_closed": db.session.scalar(select(count).select_from(Case).where(
            Case.id.in_(ids), Case.status == "decided", Case.closed_at.is_not(None))),
        "open_tasks": db.session.scalar(select(count).select_from(Task).where(Task.case_id.in_(ids),
                                                                              Task.status == OPEN)),
        "opinions": db.session.scalar(select(count).select_from(Opinion).where(Opinion.case_id.in_(ids))),
        "decisions_on_round_2": db.session.scalar(select(count).select_from(Decision).where(
            Decision.case_id.in_(ids), Decision.passed_round == 2)),
    }


def _history_checks(results) -> dict:
    from sqlalchemy import select

    from review_service.audit.models import CaseEvent
    from review_service.audit.service import verify_chain
    from review_service.cases.models import Case
    from review_service.extensions import db
    events = defaultdict(list)
    for event in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id.in_([i for i, _o in results]))
                                    .order_by(CaseEvent.case_id, CaseEvent.seq)):
        events[event.case_id].append(event)
    heads = dict(db.session.execute(select(Case.id, Case.history_hash)).all())
    seqs = dict(db.session.execute(select(Case.id, Case.history_seq)).all())
    broken = [i for i, _o in results
              if verify_chain(events[i], head_seq=seqs.get(i) or 0, head_hash=heads.get(i) or "") is not None]
    mismatched = [i for i, _o in results if not events[i] or heads.get(i) != events[i][-1].hash]
    plain = [i for i, overdue in results if not overdue]
    reference = [e.action for e in events[plain[0]]] if plain else None
    other, fired = [], Counter()
    for case_id, overdue in results:
        actions = [e.action for e in events[case_id]]
        fired[case_id] = actions.count(OVERDUE)
        rest = [a for a in actions if a != OVERDUE] if overdue else actions
        if reference is not None and rest != reference:
            other.append({"case_id": case_id, "actions": actions, "reference": reference})
    return {"broken_chains": len(broken), "mismatched_heads": len(mismatched), "cases_with_other_history": len(other),
            "other_history_examples": other[:3], "overdue_events": sum(fired.values()),
            "cases_fired_twice": sum(1 for n in fired.values() if n > 1),
            "history_events": sum(map(len, events.values()))}


def _job_checks(results) -> dict:
    from sqlalchemy import func, select

    from review_service.deadlines.models import Deadline
    from review_service.extensions import db
    from review_service.jobs.models import INCIDENT, PENDING, DueJob
    from review_service.notifications.models import Notification
    ids = [case_id for case_id, _overdue in results]
    count = func.count()
    duplicates = (select(Notification.case_id, Notification.user_id).where(Notification.kind == OVERDUE)
                  .group_by(Notification.case_id, Notification.user_id).having(count > 1).subquery())
    return {
        "overdue_deadlines": db.session.scalar(select(count).select_from(Deadline).where(
            Deadline.case_id.in_(ids), Deadline.overdue.is_(True))),
        "overdue_notifications": db.session.scalar(select(count).select_from(Notification)
                                                   .where(Notification.kind == OVERDUE)),
        "duplicate_notifications": db.session.scalar(select(count).select_from(duplicates)),
        "jobs_pending": db.session.scalar(select(count).select_from(DueJob).where(DueJob.status == PENDING)),
        "job_incidents": db.session.scalar(select(count).select_from(DueJob).where(DueJob.status == INCIDENT)),
    }
