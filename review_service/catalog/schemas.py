"""Marshmallow schemas of the catalog API."""
from marshmallow import Schema, fields, validate


class CaseFactsSchema(Schema):
    """The facts of a (planned) case the catalog is evaluated on; amounts in yuan, at most two decimals."""

    decision_type = fields.String(required=True)
    party_type = fields.String(required=True)
    fine_amount = fields.Raw(load_default=0)
    confiscation_amount = fields.Raw(load_default=0)
    sanctions = fields.List(fields.String(), load_default=list)
    hearing_held = fields.Boolean(load_default=False)
    discretion = fields.String(load_default=None,
                               validate=validate.OneOf(["none", "lighter", "mitigated", "aggravated"]))
    sector = fields.String(load_default=None)
    power_source = fields.String(load_default=None)
    complexity = fields.Dict(keys=fields.String(), values=fields.Raw(), load_default=dict)


class GateSchema(Schema):
    review_required = fields.Boolean()
    reasons = fields.List(fields.Dict(), metadata={"description": "source (statutory|catalog), code, matched, text"})
    process_version = fields.Integer()


class PublishedCatalogSchema(Schema):
    agency_code = fields.String()
    process_version = fields.Integer()
    process_owner = fields.String()
    catalog = fields.Dict()
    statutory_triggers = fields.List(fields.Dict())
