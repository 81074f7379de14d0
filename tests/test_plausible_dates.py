"""Every date a user types lies in its plausible range (china_time.DATE_RANGES), else 422 naming the field.

TEST_NOW is 2026-11-02 (Beijing): 立案 2016-11-02..2026-11-02, staff valid_from 1950-01-01..2027-11-02, ...
"""
import pytest

from .factories import submission


@pytest.mark.parametrize("filed_on, accepted", [("0001-01-01", False), ("2099-01-01", False), ("2016-11-01", False),
                                                ("2026-11-03", False), ("2016-11-02", True), ("2026-11-02", True)])
def test_the_filing_date_of_a_case(as_user, filed_on, accepted):
    response = as_user("handler").post("/api/v1/cases", json=submission(filed_on=filed_on))
    if accepted:
        assert response.status_code == 201, response.get_json()
    else:
        assert response.status_code == 422 and "filed_on" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("body, field", [({"valid_from": "1200-01-01"}, "valid_from"),
                                         ({"valid_from": "2020-01-01", "valid_until": "2700-01-01"}, "valid_until"),
                                         ({"valid_from": "2020-01-01", "first_reviewed_on": "1900-05-01"},
                                          "first_reviewed_on")])
def test_staff_dates(as_user, body, field):
    staff = {"kind": "enforcement_officer", "name": "张三", "enforcement_certificate_no": "city-9999", **body}
    response = as_user("admin").post("/api/v1/agencies/city/staff", json=staff)
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"], response.get_json()


@pytest.mark.parametrize("path", ["/api/v1/agencies/city/staff?on=1300-01-01",
                                  "/api/v1/agencies/city/staffing?on=2999-01-01",
                                  "/api/v1/calendar/due?start=0001-01-01&working_days=5"])
def test_query_dates(as_user, path):
    response = as_user("admin").get(path)
    assert response.status_code == 422, (path, response.get_json())
