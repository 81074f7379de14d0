"""The 5% rule: rounding at every boundary, dates and deactivation, pooled advisors, roll-up, API and CLI."""
import pytest

from review_service.staffing.rule import required_reviewers


@pytest.mark.parametrize("officers, required", [(0, 0), (1, 1), (19, 1), (20, 1), (21, 2), (40, 2), (41, 3),
                                                (100, 5), (101, 6), (119, 6), (120, 6), (121, 7)])
def test_required_reviewers_round_up_at_every_boundary(officers, required):
    assert required_reviewers(officers) == required


def add_staff(admin, code, **data):
    response = admin.post(f"/api/v1/agencies/{code}/staff", json={"valid_from": "2020-01-01", **data})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def report(client, code, on="2026-11-23", **params):
    response = client.get(f"/api/v1/agencies/{code}/staffing", query_string={"on": on, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_seeded_city_is_compliant(as_user):
    city = report(as_user("admin"), "city")
    assert {k: city[k] for k in ("enforcement_staff", "reviewers", "required_reviewers", "shortfall", "compliant",
                                 "rule")} == {"enforcement_staff": 40, "reviewers": 3, "required_reviewers": 2,
                                              "shortfall": 0, "compliant": True, "rule": "reviewers_only"}
    assert city["warning"] is None


def test_the_41st_officer_does_not_yet_count_then_counts(as_user):
    admin = as_user("admin")
    add_staff(admin, "city", kind="enforcement_officer", name="新执法", enforcement_certificate_no="N-1",
              valid_from="2026-12-01")
    assert report(admin, "city", on="2026-11-30")["enforcement_staff"] == 40
    assert report(admin, "city", on="2026-12-01")["required_reviewers"] == 3


def test_deactivation_ends_the_count_from_that_day_and_keeps_the_past(as_user):
    admin = as_user("admin")
    staff = admin.get("/api/v1/agencies/city/staff", query_string={"kind": "legal_reviewer"}).get_json()["items"]
    for member in staff[:2]:
        response = admin.post(f"/api/v1/staff/{member['id']}/deactivate", json={"on": "2026-06-01"})
        assert response.status_code == 200 and response.get_json()["deactivated_on"] == "2026-06-01"
    before, after = report(admin, "city", on="2026-05-31"), report(admin, "city", on="2026-06-01")
    assert (before["reviewers"], before["compliant"]) == (3, True)
    assert (after["reviewers"], after["shortfall"], after["compliant"]) == (1, 1, False)
    assert "尚缺 1 人" in after["warning"]
    again = admin.post(f"/api/v1/staff/{staff[0]['id']}/deactivate", json={"on": "2026-07-01"})
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "already_deactivated")


def test_expired_enforcement_certificate_stops_counting(province_admin):
    admin = province_admin
    add_staff(admin, "other", kind="enforcement_officer", name="临时", enforcement_certificate_no="T-1",
              valid_until="2026-03-31")
    assert report(admin, "other", on="2026-03-31")["enforcement_staff"] == 11
    assert report(admin, "other", on="2026-04-01")["enforcement_staff"] == 10


def test_pooled_advisors_count_only_if_the_agency_says_so(as_user, province_admin):
    supervisor = as_user("supervisor")
    for n in range(21):  # other: 31 officers -> 2 required, 1 reviewer
        add_staff(province_admin, "other", kind="enforcement_officer", name=f"o{n}",
                  enforcement_certificate_no=f"O-{n}")
    add_staff(province_admin, "province", kind="legal_advisor", name="顾问")  # held by the parent, usable below
    plain = report(supervisor, "other")
    assert (plain["pooled_advisors"], plain["reviewers"], plain["shortfall"], plain["rule"]) == \
        (1, 1, 1, "reviewers_only")
    changed = province_admin.client.patch("/api/v1/agencies/other", json={"advisors_count_toward_ratio": True},
                                          headers=province_admin.headers)
    assert changed.status_code == 200, changed.get_json()
    counted = report(supervisor, "other")
    assert (counted["reviewers"], counted["shortfall"], counted["compliant"], counted["rule"]) == \
        (2, 0, True, "reviewers_and_pooled_advisors")


def test_an_invalid_unpublished_agency_profile_is_a_clear_error(app, as_user, tmp_path):
    import shutil
    workflows = tmp_path / "workflows"
    shutil.copytree(app.config["WORKFLOWS_DIR"] / "default", workflows / "default")
    (workflows / "other").mkdir()
    (workflows / "other" / "profile.json").write_text('{"time_limits": {"review_working_days": "五"}}',
                                                      encoding="utf-8")
    app.config["WORKFLOWS_DIR"] = workflows
    response = as_user("supervisor").get("/api/v1/agencies/other/staffing", query_string={"on": "2026-11-23"})
    error = response.get_json()["error"]
    assert (response.status_code, error["code"]) == (409, "process_invalid")
    assert any("profile.json" in problem and "review_working_days" in problem for problem in error["fields"]["files"])
    (workflows / "other" / "profile.json").write_text("{not json", encoding="utf-8")
    assert as_user("supervisor").get("/api/v1/agencies/other/staffing").status_code == 409


def test_rollup_by_parent_and_who_may_read(as_user):
    rolled = report(as_user("supervisor"), "province", rollup="true")
    assert [row["agency_code"] for row in rolled["agencies"]] == ["province", "city", "other"]
    assert rolled["total"] == {"enforcement_staff": 50, "reviewers": 4, "required_reviewers": 3, "shortfall": 0,
                               "non_compliant_agencies": 0}
    assert report(as_user("handler"), "city")["compliant"] is True  # the agency's own users see the warning
    refused = as_user("other.handler").get("/api/v1/agencies/city/staffing")
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "report_forbidden")
    bad = as_user("admin").get("/api/v1/agencies/city/staffing", query_string={"on": "2026-13-01"})
    assert bad.status_code == 422 and "on" in bad.get_json()["error"]["fields"]


def test_cli_report_as_table_and_csv(runner):
    table = runner.invoke(args=["review", "staffing-report", "--agency", "province", "--on", "2026-11-23"])
    assert table.exit_code == 0, table.output
    assert "city" in table.output and "other" in table.output
    csv_out = runner.invoke(args=["review", "staffing-report", "--on", "2026-11-23", "--csv"])
    lines = csv_out.output.strip().splitlines()
    assert lines[0].startswith("agency_code,agency_name,on,enforcement_staff")
    assert any(line.startswith("city,") and ",40,3,0,3,2,0,True," in line for line in lines), lines
