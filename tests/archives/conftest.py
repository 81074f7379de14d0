"""Archive packages need LibreOffice (soffice) for their PDF (tests.helpers.require_libreoffice)."""
import pytest

from ..factories import require_libreoffice


@pytest.fixture(autouse=True)
def libreoffice():
    require_libreoffice()
