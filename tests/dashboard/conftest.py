"""Dashboard tests move the frozen clock across weeks: give their bearer tokens a long life."""
import pytest


@pytest.fixture(autouse=True)
def long_lived_tokens(app):
    app.config["TOKEN_TTL_HOURS"] = 24 * 365 * 3
