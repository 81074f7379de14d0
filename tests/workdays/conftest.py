"""Fixtures for the working-day calendar: an app context, agency ids, and arrangement documents."""
import copy
import json

import pytest
from sqlalchemy import select

from review_service.agencies.models import Agency
from review_service.extensions import db

from ..factories import WORKDAYS_EXAMPLE


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def agency_ids(ctx):
    return dict(db.session.execute(select(Agency.code, Agency.id)).all())


@pytest.fixture
def doc_2027():
    """A 2027 arrangement (the invented example file): 元旦 1-1..1-3, make-up Sun 2-14, ..."""
    document = json.loads(WORKDAYS_EXAMPLE.read_text(encoding="utf-8"))
    assert document.pop("example") is True  # the file is marked as invented; these tests use its dates as data
    return lambda **changes: {**copy.deepcopy(document), **changes}
