"""GET /api/v1/cases: search, filters, sort and paging in SQL, within the caller's agencies (issue 17 item 6)."""
from sqlalchemy import update

from review_service.casework import search
from review_service.deadlines.models import Deadline
from review_service.extensions import db

from ..factories import create_agency_with_users, three_cases


def listed(api, query: str = "") -> list[int]:
    response = api.get(f"/api/v1/cases?{query}")
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_search_by_case_number_title_and_party(as_user, frozen_clock):
    ids, api = three_cases(as_user, frozen_clock), as_user("handler")
    assert listed(api, "q=贸易") == [ids[1]]  # party, Chinese substring
    assert listed(api, "q=abc trading") == [ids[2]]  # title, Latin letters in any case
    assert listed(api, "q=〔2026〕3号") == [ids[3]]  # case number
    assert listed(api, "q=餐饮") == [ids[3]]
    assert listed(api, "q=100%") == [] and listed(api, "q=_") == []  # wildcards are plain text


def test_filters_status_step_reviewer_and_dates(as_user, frozen_clock):
    ids, api = three_cases(as_user, frozen_clock), as_user("handler")
    case2 = api.case(ids[2])
    assert listed(api, f"status={case2['status']}") == [ids[2]]
    assert listed(api, "step=review_case") == [ids[2]]
    assert listed(api, "step=accept_submission") == [ids[3], ids[1]]
    assert listed(api, f"reviewer_id={case2['reviewer']['id']}") == [ids[2]]
    assert listed(api, "submitted_from=2026-10-11&submitted_to=2026-10-11") == [ids[2]]
    assert listed(api, "submitted_from=2026-10-11") == [ids[3], ids[2]]
    assert listed(api, "submitted_to=2026-10-10") == [ids[1]]


def test_overdue_filter(app, as_user, frozen_clock):
    ids, api = three_cases(as_user, frozen_clock), as_user("handler")
    assert listed(api, "overdue=true") == []
    with app.app_context():
        db.session.execute(update(Deadline).where(Deadline.case_id == ids[2]).values(overdue=True))
        db.session.commit()
    assert listed(api, "overdue=true") == [ids[2]]
    assert listed(api, "overdue=false") == [ids[3], ids[1]]
    assert api.get("/api/v1/cases?overdue=true").get_json()["items"][0]["overdue"] is True


def test_sort_paging_current_step_and_due_date(as_user, frozen_clock):
    ids, api = three_cases(as_user, frozen_clock), as_user("handler")
    assert listed(api) == [ids[3], ids[2], ids[1]]  # newest first
    assert listed(api, "sort=case_number&order=asc") == [ids[1], ids[2], ids[3]]
    for order in ("asc", "desc"):
        dues = [item["due_on"] for item in api.get(f"/api/v1/cases?sort=due&order={order}").get_json()["items"]]
        dated = [due for due in dues if due]
        assert dated == sorted(dated, reverse=order == "desc") and dues[:len(dated)] == dated  # no date: last
        assert len(set(dated)) > 1  # the order is tested on different dates
    body = api.get("/api/v1/cases?sort=case_number&order=asc&page_size=2").get_json()
    assert (body["total"], body["page"], body["page_size"], len(body["items"])) == (3, 1, 2, 2)
    second = api.get("/api/v1/cases?sort=case_number&order=asc&page_size=2&page=2").get_json()
    assert [item["id"] for item in second["items"]] == [ids[3]]
    item = next(i for i in body["items"] if i["id"] == ids[2])
    assert item["current_steps"] and item["due_on"] and item["party_name"] == "张三"
    assert api.get("/api/v1/cases").get_json()["page_size"] == 20


def test_bad_parameters_are_refused_by_field(as_user):
    api = as_user("handler")
    response = api.get("/api/v1/cases?page_size=101&sort=title&submitted_from=yesterday&page=0")
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert {"page_size", "sort", "submitted_from", "page"} <= set(fields)
    reversed_range = api.get("/api/v1/cases?submitted_from=2026-10-12&submitted_to=2026-10-10")
    assert reversed_range.status_code == 422 and "submitted_to" in reversed_range.get_json()["error"]["fields"]


def test_only_the_callers_agencies(as_user, frozen_clock):
    three_cases(as_user, frozen_clock)
    assert listed(as_user("other.handler")) == []
    assert len(listed(as_user("supervisor"), "q=案")) == 3  # the province sees the city below it


def test_a_supervisor_of_every_agency_and_of_some(app, as_user, frozen_clock):
    """The province sees every agency (the list then drops the agency filter); once an agency outside its tree
    exists, it still sees its own tree only, and `under` keeps to the subtree asked for."""
    ids = three_cases(as_user, frozen_clock)
    supervisor = as_user("supervisor")
    assert sorted(listed(supervisor)) == sorted(ids.values())
    assert sorted(listed(supervisor, "under=province")) == sorted(ids.values())
    with app.app_context():
        create_agency_with_users("elsewhere", roles=("handler",))
    outside = as_user("elsewhere.handler").submit(case_number="外罚〔2026〕1号", title="某公司销售不合格产品案")["id"]
    assert sorted(listed(supervisor)) == sorted(ids.values())
    assert listed(supervisor, "q=不合格") == [ids[1]]
    assert listed(as_user("elsewhere.handler"), "q=不合格") == [outside]
    assert listed(supervisor, "under=other") == []


def body(api, query: str) -> tuple:
    answer = api.get(f"/api/v1/cases?{query}").get_json()
    return [item["id"] for item in answer["items"]], answer["total"], answer["total_is_lower_bound"]


def test_a_search_counts_up_to_the_cap(as_user, frozen_clock, monkeypatch):
    """Below and at the cap the total is exact; above it the total is the cap, flagged as a lower bound, and the
    list holds the cap's worth: by submission date the first matches in that order, otherwise the newest."""
    ids, api = three_cases(as_user, frozen_clock), as_user("handler")
    newest_first = [ids[3], ids[2], ids[1]]
    monkeypatch.setattr(search, "SEARCH_CAP", 4)
    assert body(api, "q=案") == (newest_first, 3, False)  # below
    monkeypatch.setattr(search, "SEARCH_CAP", 3)
    assert body(api, "q=案") == (newest_first, 3, False)  # at
    assert body(api, "q=案&page_size=2&page=2") == ([ids[1]], 3, False)
    monkeypatch.setattr(search, "SEARCH_CAP", 2)
    assert body(api, "q=案") == ([ids[3], ids[2]], 2, True)  # above
    assert body(api, "q=案&page_size=1&page=2") == ([ids[2]], 2, True)
    assert body(api, "q=案&page_size=2&page=2") == ([], 2, True)  # beyond the cap: nothing more
    assert body(api, "q=案&order=asc") == ([ids[1], ids[2]], 2, True)  # walked oldest first
    assert body(api, "q=案&sort=case_number&order=asc") == ([ids[2], ids[3]], 2, True)  # the 2 newest, by number
    by_due = body(api, "q=案&sort=due")
    assert sorted(by_due[0]) == sorted([ids[3], ids[2]]) and by_due[1:] == (2, True)
    assert body(api, "q=贸易") == ([ids[1]], 1, False)  # a narrow text still counts exactly
    waiting = api.case(ids[1])["status"]
    assert body(api, f"q=案&status={waiting}") == ([ids[3], ids[1]], 2, False)  # other filters before the cap
    assert body(as_user("other.handler"), "q=案") == ([], 0, False)  # only the caller's agencies count
    assert body(as_user("supervisor"), "q=案") == ([ids[3], ids[2]], 2, True)
    assert body(api, f"status={waiting}") == ([ids[3], ids[1]], 2, False)  # no text: no cap
    assert body(api, "") == (newest_first, 3, False)
