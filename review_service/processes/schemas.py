"""Marshmallow schemas of the process-version API."""
from marshmallow import Schema, fields


class ProcessVersionSchema(Schema):
    number = fields.Integer()
    process_id = fields.String()
    content_hash = fields.String()
    created_at = fields.DateTime()
    published_by_id = fields.Integer(allow_none=True, metadata={"description": "null: the command line or first use"})
    note = fields.String(allow_none=True, metadata={"description": "the change note given when publishing"})
    files = fields.Function(lambda v: sorted(v.sources), metadata={"description": "file names in this version"})


class ProcessVersionListSchema(Schema):
    items = fields.List(fields.Nested(ProcessVersionSchema))


class ProcessSourcesSchema(ProcessVersionSchema):
    sources = fields.Dict(keys=fields.String(), values=fields.String(),
                          metadata={"description": "file name -> text (BPMN/DMN XML, profile.json, catalog.json)"})


class VersionQuerySchema(Schema):
    file = fields.String(load_default=None, metadata={"description": "answer this one file raw"})


class DiffQuerySchema(Schema):
    from_ = fields.Integer(required=True, data_key="from")
    to = fields.Integer(required=True)


class DiffSchema(Schema):
    from_ = fields.Integer(data_key="from", attribute="from")
    to = fields.Integer()
    files = fields.Dict(keys=fields.String(), values=fields.String(), metadata={"description": "unified diff per file"})
    tasks = fields.Dict(metadata={"description": "the engine's SpecDiff: added, changed (attributes), removed"})


class MigrationQuerySchema(Schema):
    to = fields.Integer(required=True)
    dry_run = fields.Boolean(load_default=True)


class MigrationReportSchema(Schema):
    dry_run = fields.Boolean()
    cases = fields.List(fields.Dict())
