"""A small set of real cases (made through the HTTP API under a frozen clock) for the dashboard tests.

Beijing dates, 2026 (国庆: 10-01..10-07 off, Saturday 10-10 a make-up working day):

- A (city)  submitted Wed 09-30, accepted Fri 10-09 (2 working days: 10-08, 10-09), review open:
            review clock 09-30 + 5 working days = Tue 10-13; on Fri 10-16 overdue by 3 working days.
- B (city)  submitted Wed 10-14, waits in the city's shared acceptance queue: due Wed 10-21,
            on 10-16 three working days left (10-19, 10-20, 10-21).
- C (other) submitted Mon 10-12 in the other agency: due Mon 10-19, one working day left on 10-16.
- D (city)  submitted and accepted Mon 10-12 (0 working days), approved Wed 10-14 (2 working days:
            10-13, 10-14): review passed, the decision is open (no clock).
"""
from freezegun import freeze_time

from ..factories import beijing, review, submission

TODAY = "2026-10-16"


def submit_unfiled(client, number: str, title: str) -> int:
    """A case without a 立案 date, so no Art. 60 cap shortens its clocks."""
    data = {key: value for key, value in submission(case_number=number, title=title).items() if key != "filed_on"}
    response = client.post("/api/v1/cases", json=data)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def build(as_user) -> dict:
    """Cases A-D as above; returns their ids and the holder of A's open review."""
    handler, reviewer, other = as_user("handler"), as_user("reviewer"), as_user("other.handler")
    with freeze_time(beijing("2026-09-30")):
        a = submit_unfiled(handler, "市监罚〔2026〕101号", "甲公司超期案")
    with freeze_time(beijing("2026-10-09", 15)):
        reviewer.complete(a, "accept_submission", {"result": "accept"})
    with freeze_time(beijing("2026-10-12", 9)):
        c = submit_unfiled(other, "环罚〔2026〕7号", "丙公司排污案")
        d = submit_unfiled(handler, "市监罚〔2026〕104号", "丁公司通过案")
    with freeze_time(beijing("2026-10-12", 16)):
        reviewer.complete(d, "accept_submission", {"result": "accept"})
    with freeze_time(beijing("2026-10-14", 11)):
        d_reviewer = reviewer.open_task(d, "review_case")["assignee"]["full_name"]  # seeded users: full name = username
        as_user(d_reviewer).complete(d, "review_case", review("approve"))
        b = submit_unfiled(handler, "市监罚〔2026〕102号", "乙公司待受理案")
    a_review = reviewer.open_task(a, "review_case")
    return {"a": a, "b": b, "c": c, "d": d, "a_holder": a_review["assignee"]["full_name"]}
