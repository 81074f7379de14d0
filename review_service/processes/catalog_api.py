"""GET /api/v1/agencies/{code}/catalog and POST .../catalog/evaluate (目录清单)."""
from flask_smorest import Blueprint

from ..accounts.auth import current_actor, require_actor
from ..catalog.schemas import CaseFactsSchema, GateSchema, PublishedCatalogSchema
from .catalogs import agency_catalog, evaluate_for_agency
from .permissions import readable_agency

blp = Blueprint("catalog", __name__, url_prefix="/api/v1/agencies", description="法制审核目录清单")
blp.before_request(require_actor)


@blp.route("/<code>/catalog", methods=["GET"])
@blp.response(200, PublishedCatalogSchema)
def show(code):
    """The agency's published catalog (from its process version) and the statutory triggers that always apply."""
    return agency_catalog(readable_agency(code, actor=current_actor()))


@blp.route("/<code>/catalog/evaluate", methods=["POST"])
@blp.arguments(CaseFactsSchema)
@blp.response(200, GateSchema)
def evaluate(facts, code):
    """Whether a case with these facts needs legal review here, naming each statutory trigger and rule matched."""
    return evaluate_for_agency(readable_agency(code, actor=current_actor()), facts)
