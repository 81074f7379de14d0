"""Documents tests convert with LibreOffice (soffice) and read PDFs with poppler-utils (pdftotext, pdftoppm).

Without them the tests that need them are skipped, unless REQUIRE_E2E=1 (set by .ci/run, which installs them).
"""
import os
import shutil

import pytest


@pytest.fixture(scope="session")
def converter():
    missing = [tool for tool in ("soffice", "pdftotext", "pdftoppm") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail(f"REQUIRE_E2E=1 but {', '.join(missing)} missing (apt-get install libreoffice-writer-nogui "
                        "poppler-utils fonts-noto-cjk)")
        pytest.skip(f"{', '.join(missing)} not installed: PDF tests skipped")
    return shutil.which("soffice")
