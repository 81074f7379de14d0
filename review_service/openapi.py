"""Additions to the generated OpenAPI document: bearer auth and the form JSON Schemas."""
import json
from pathlib import Path


def document_security(api) -> None:
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearer": []}]


def document_forms(api, forms_dir: Path) -> None:
    """Each forms/<key>.schema.json becomes components.schemas.<key> (OpenAPI 3.1 is JSON Schema 2020-12)."""
    for path in sorted(forms_dir.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        schema.pop("$schema", None)
        schema.pop("$id", None)
        api.spec.components.schema(path.name.removesuffix(".schema.json"), schema)
