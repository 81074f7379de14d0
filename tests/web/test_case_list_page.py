"""The case list page (/cases): the same search, filters, sort and paging as the API, in Chinese."""
import re

from review_service.casework import search

from ..factories import three_cases


def rows(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr data-case-id="(\d+)">', html)]


def test_search_by_party_title_and_number(page_as, as_user, frozen_clock):
    ids, page = three_cases(as_user, frozen_clock), page_as("handler")
    assert rows(page.get("/cases?q=张三").get_data(as_text=True)) == [ids[2]]
    assert rows(page.get("/cases?q=ABC+trading").get_data(as_text=True)) == [ids[2]]
    assert rows(page.get("/cases?q=1号").get_data(as_text=True)) == [ids[1]]
    html = page.get("/cases?q=找不到的当事人").get_data(as_text=True)
    assert rows(html) == [] and 'id="no-cases"' in html


def test_filters_keep_their_values_in_the_form(page_as, as_user, frozen_clock):
    ids, page = three_cases(as_user, frozen_clock), page_as("handler")
    html = page.get("/cases?step=review_case&overdue=false&submitted_from=2026-10-11").get_data(as_text=True)
    assert rows(html) == [ids[2]]
    assert re.search(r'<option value="review_case"\s+selected', html)
    assert 'value="2026-10-11"' in html and re.search(r'<option value="false"\s+selected', html)
    assert rows(page.get("/cases?submitted_to=2026-10-10").get_data(as_text=True)) == [ids[1]]


def test_reviewer_filter_and_status(page_as, as_user, frozen_clock):
    ids, page = three_cases(as_user, frozen_clock), page_as("handler")
    reviewer_id = as_user("handler").case(ids[2])["reviewer"]["id"]
    assert rows(page.get(f"/cases?reviewer_id={reviewer_id}").get_data(as_text=True)) == [ids[2]]
    assert rows(page.get("/cases?status=awaiting_acceptance").get_data(as_text=True)) == [ids[3], ids[1]]


def test_current_step_and_due_date_columns(page_as, as_user, frozen_clock):
    ids, page = three_cases(as_user, frozen_clock), page_as("handler")
    html = page.get("/cases").get_data(as_text=True)
    row = html[html.index(f'<tr data-case-id="{ids[2]}">'):]
    row = row[:row.index("</tr>")]
    steps = re.search(r'<td class="case-steps"[^>]*>(.*?)</td>', row, re.S)[1]
    assert steps.strip() not in ("", "—") and "review_case" not in steps
    assert re.search(r'<td class="case-due"[^>]*>.*\d{4}年', row, re.S)
    assert "当前环节" in html and "到期日" in html


def test_sort_links_and_paging(page_as, as_user, frozen_clock):
    ids, page = three_cases(as_user, frozen_clock), page_as("handler")
    html = page.get("/cases?sort=case_number&order=asc&page_size=2&q=案").get_data(as_text=True)
    assert rows(html) == [ids[1], ids[2]]
    next_link = re.search(r'<a class="btn btn-sm btn-outline-secondary" rel="next" href="([^"]+)"', html)[1]
    assert "q=" in next_link and "page_size=2" in next_link and "page=2" in next_link
    assert rows(page.get(next_link.replace("&amp;", "&")).get_data(as_text=True)) == [ids[3]]
    assert rows(page.get("/cases?sort=case_number&order=desc").get_data(as_text=True)) == [ids[3], ids[2], ids[1]]


def test_bad_parameters_are_left_out_with_a_notice(page_as, as_user, frozen_clock):
    three_cases(as_user, frozen_clock)
    response = page_as("handler").get("/cases?page_size=500&submitted_from=yesterday")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="query-errors"' in html and len(rows(html)) == 3


def test_other_agencies_cases_are_not_listed(page_as, as_user, frozen_clock):
    three_cases(as_user, frozen_clock)
    assert rows(page_as("other.handler").get("/cases").get_data(as_text=True)) == []


def test_a_broad_search_says_more_than_the_cap(page_as, as_user, frozen_clock, monkeypatch):
    ids, page = three_cases(as_user, frozen_clock), page_as("handler")
    monkeypatch.setattr(search, "SEARCH_CAP", 2)
    html = page.get("/cases?q=案").get_data(as_text=True)
    assert rows(html) == [ids[3], ids[2]] and "找到超过 2 件案件" in html and "共 1 页" in html
    html = page.get("/cases?q=贸易").get_data(as_text=True)
    assert rows(html) == [ids[1]] and "共 1 件案件" in html and "超过" not in html
