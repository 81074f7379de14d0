"""CSV imports: Excel's BOM, one error per bad row with its column, nothing half-imported."""
import io

BOM = "\ufeff"


def upload(client, url, text):
    return client.client.post(url, headers=client.headers, content_type="multipart/form-data",
                              data={"file": (io.BytesIO(text.encode("utf-8")), "import.csv")})


def test_agencies_import_with_a_bom(province_admin):
    text = (BOM + "code,name,level,parent_code,sector,advisors_count_toward_ratio\n"
            "county-a,甲县市场监督管理局,县,city,市场监管,是\n"
            "town-a,甲县某镇,乡镇,county-a,,\n")
    response = upload(province_admin, "/api/v1/agencies/import", text)
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {"imported": 2, "codes": ["county-a", "town-a"]}
    county = province_admin.get("/api/v1/agencies/county-a").get_json()
    assert (county["level"], county["parent_code"], county["advisors_count_toward_ratio"]) == ("county", "city", True)


def test_bad_rows_are_each_named_and_nothing_is_stored(province_admin):
    text = ("code,name,level,parent_code\n"
            "ok-1,好的,县,city\n"
            "bad level,名称,区,city\n"
            "ok-2,,县,city\n"
            "ok-3,孤儿,县,nowhere\n"
            "city,重复,市,province\n")
    response = upload(province_admin, "/api/v1/agencies/import", text)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "import_failed"
    assert set(error["fields"]) == {"rows.3.code", "rows.3.level", "rows.4.name", "rows.5.parent_code", "rows.6.code"}
    codes = [a["code"] for a in province_admin.get("/api/v1/agencies").get_json()["items"]]
    assert "ok-1" not in codes


def test_only_administrators_import(as_user):
    response = upload(as_user("reviewer"), "/api/v1/agencies/import", "code,name,level,parent_code\nx,x,县,city\n")
    assert (response.status_code, response.get_json()["error"]["code"]) == (403, "admin_required")


def test_staff_import_from_the_cli_all_or_nothing(runner, tmp_path, as_user):
    bad = tmp_path / "bad.csv"
    bad.write_text(BOM + "kind,name,enforcement_certificate_no,valid_from,valid_until\n"
                   "执法人员,甲,Z-1,2024-01-01,\n"
                   "执法人员,乙,,2024-01-01,\n"
                   "法制审核人员,丙,,2024-13-01,\n"
                   "执法人员,丁,Z-1,2024-01-01,2023-01-01\n", encoding="utf-8")
    result = runner.invoke(args=["review", "import-staff", "city", str(bad)])
    assert result.exit_code == 1
    for expected in ("rows.3.enforcement_certificate_no", "rows.4.valid_from", "rows.5.valid_until"):
        assert expected in result.output, result.output
    admin = as_user("admin")
    assert admin.get("/api/v1/agencies/city/staffing").get_json()["enforcement_staff"] == 40
    good = tmp_path / "good.csv"
    good.write_text("kind,name,enforcement_certificate_no,valid_from\n执法人员,甲,Z-1,2024-01-01\n", encoding="utf-8")
    assert runner.invoke(args=["review", "import-staff", "city", str(good)]).exit_code == 0
    assert admin.get("/api/v1/agencies/city/staffing").get_json()["enforcement_staff"] == 41


def test_staff_import_refuses_a_wrong_header(as_user):
    response = upload(as_user("admin"), "/api/v1/agencies/city/staff/import", "name,colour\n甲,红\n")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["header"] == ["缺少列: kind", "缺少列: valid_from", "未知列: colour"]
