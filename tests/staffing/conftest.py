"""A province administrator (manages every agency in the test tree)."""
import pytest

from review_service.accounts.service import create_user
from review_service.extensions import db

from ..factories import PASSWORD


@pytest.fixture
def province_admin(app, as_user):
    with app.app_context():
        create_user(agency_id=1, username="province.admin", full_name="省管理", password=PASSWORD, roles=["admin"])
        db.session.commit()
    return as_user("province.admin")
