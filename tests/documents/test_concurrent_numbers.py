"""100 opinions issued at the same moment from two processes (PostgreSQL) get 100 distinct, gapless numbers."""
import multiprocessing

import pytest
from sqlalchemy import select

from review_service.accounts.models import User
from review_service.cases.service import open_tasks_of, submit_case
from review_service.documents.models import CaseDocument, DocumentCounter
from review_service.extensions import db
from review_service.tasks.service import complete_task
from review_service.unit_of_work import unit_of_work

from ..factories import PG_URL, submission
from .issuing_worker import issue_opinions

CASES = 100


def cases_under_review(count: int) -> list[tuple[str, int]]:
    """(review task id, its assignee) of `count` submitted and accepted cases."""
    handler = db.session.scalar(select(User).where(User.username == "handler"))
    reviewer = db.session.scalar(select(User).where(User.username == "reviewer"))
    work = []
    for n in range(count):
        with unit_of_work():
            case = submit_case(actor=handler, data=submission(case_number=f"市监罚〔2026〕{n + 1}号"))
            [acceptance] = open_tasks_of(case)
            complete_task(acceptance.id, actor=reviewer, data={"result": "accept"})
            [review_task] = open_tasks_of(case)
            work.append((review_task.id, review_task.assignee_id))
    return work


@pytest.mark.skipif(not PG_URL, reason="several nodes need PostgreSQL (TEST_DATABASE_URL)")
def test_opinions_issued_at_once_from_two_processes_get_distinct_gapless_numbers(app):
    with app.app_context():
        work = cases_under_review(CASES)
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        db.session.remove()
        db.engine.dispose()
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Event(), spawn.Queue()
    processes = [spawn.Process(target=issue_opinions, args=(url, work[n::2], 4, start, results)) for n in range(2)]
    for process in processes:
        process.start()
    start.set()
    reports = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert [failures for _, failures in reports] == [[], []]
    assert sum(done for done, _ in reports) == CASES
    with app.app_context():
        numbers = db.session.scalars(select(CaseDocument.number).where(CaseDocument.kind == "opinion")).all()
        last = db.session.scalar(select(DocumentCounter.last_seq))
    assert sorted(numbers, key=lambda n: int(n.split("〕")[1][:-1])) == \
        [f"市市场监督管理局法审〔2026〕{n}号" for n in range(1, CASES + 1)]
    assert last == CASES
