"""Marshmallow schemas of archive packages and their verification."""
from marshmallow import Schema, fields

from ..accounts.schemas import person_ref


class ArchivePackageSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    version = fields.Integer()
    trigger = fields.String(metadata={"description": "archiving_step | on_demand"})
    requested_by = fields.Function(lambda p: person_ref(p.requested_by))
    filename = fields.String()
    size = fields.Integer()
    sha256 = fields.String(metadata={"description": "SHA-256 of the whole ZIP"})
    chain_seq = fields.Integer(metadata={"description": "history entry the manifest is sealed with"})
    chain_hash = fields.String()
    files = fields.Integer(metadata={"description": "files in the ZIP, manifest.json included"})
    built_at = fields.DateTime()


class ArchivePackageListSchema(Schema):
    case_id = fields.Integer()
    items = fields.List(fields.Nested(ArchivePackageSchema))
    building = fields.Boolean(metadata={"description": "a build is scheduled and not done yet"})
    may_request = fields.Boolean()


class BuildRequestedSchema(Schema):
    case_id = fields.Integer()
    status = fields.String()


class VerificationSchema(Schema):
    ok = fields.Boolean()
    changed = fields.List(fields.String(), metadata={
        "description": "files whose SHA-256 differs (manifest.json: its seal)"})
    missing = fields.List(fields.String())
    unexpected = fields.List(fields.String(), metadata={"description": "files the manifest does not list"})
    problems = fields.List(fields.String())
    files_checked = fields.Integer()
    case_number = fields.String(allow_none=True)
    anchored = fields.Boolean(allow_none=True, metadata={
        "description": "the sealed history head is this service's entry of the case (null: case not here)"})
