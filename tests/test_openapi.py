def test_openapi_documents_the_contract(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    for path in ("/api/v1/auth/login", "/api/v1/cases", "/api/v1/cases/{case_id}", "/api/v1/cases/{case_id}/history",
                 "/api/v1/tasks", "/api/v1/tasks/{task_id}", "/api/v1/tasks/{task_id}/complete"):
        assert path in spec["paths"], path
    assert "review_case" in spec["components"]["schemas"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/auth/login"]["post"]["security"] == []
    error = spec["components"]["schemas"]["ErrorEnvelope"]
    assert error["required"] == ["error"]


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
