"""ancestor_ids: the chain up the tree, nearest first, in at most one query however deep the agency sits."""
from sqlalchemy import select

from review_service.agencies.models import Agency
from review_service.agencies.tree import ancestor_ids
from review_service.extensions import db

from ..factories import statements_sent


def _statements_of(call) -> tuple[object, int]:
    """(what call returned, how many queries it sent; a BEGIN of the session's transaction is not one)."""
    with statements_sent() as sent:
        result = call()
    return result, sum(not statement.lstrip().upper().startswith("BEGIN") for statement in sent)


def test_the_chain_comes_nearest_first_in_one_query_and_from_the_session_in_none(app):
    with app.app_context():
        city = db.session.scalar(select(Agency).where(Agency.code == "city"))
        district = Agency(code="district", name="区市场监督管理局", level="county", parent_id=city.id)
        db.session.add(district)
        db.session.commit()
        expected = [district.id, city.id, city.parent_id]
        db.session.expunge_all()
        assert _statements_of(lambda: ancestor_ids(district.id)) == (expected, 1)
        held = db.session.scalars(select(Agency)).all()  # every agency in the session (it keeps them weakly)
        assert _statements_of(lambda: ancestor_ids(district.id)) == (expected, 0) and held
        assert ancestor_ids(10**6) == []


def test_a_parent_cycle_ends_the_chain(app):
    with app.app_context():
        city = db.session.scalar(select(Agency).where(Agency.code == "city"))
        province_id = city.parent_id
        db.session.get(Agency, province_id).parent_id = city.id  # a cycle no form allows, written directly
        db.session.commit()
        db.session.expunge_all()
        assert ancestor_ids(city.id) == [city.id, province_id]
        held = db.session.scalars(select(Agency)).all()
        assert ancestor_ids(city.id) == [city.id, province_id] and held
