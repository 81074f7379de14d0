"""LibreOffice runs (review_service/documents/soffice.py): several documents in one run, in their order, leaving
the profile template; a template folder others may write is not used; a run copies the template, and a failed
run on a copy discards it."""
import os
import stat

import pytest

from review_service.archives.history_document import history_docx
from review_service.documents import soffice

from ..factories import pdf_text


def _docx(title: str) -> bytes:
    metadata = {"agency": {"name": "市局"}, "case_number": "1", "title": title, "proposed_decision": "罚",
                "decision_type": {"label": "行政处罚"}, "party": {"name": "甲", "type_label": "自然人"},
                "dates": {"submitted_at_beijing": ""}}
    return history_docx(metadata, [], [])


def _fake_converter(folder, body: str) -> str:
    script = folder / "fake-soffice"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_several_documents_convert_in_one_run_in_their_order_and_leave_the_profile_template(converter, monkeypatch):
    """One run (LibreOffice on a copied profile: every other conversion of the suite after the first)."""
    runs = []
    run = soffice._run
    monkeypatch.setattr(soffice, "_run", lambda *args: runs.append(args) or run(*args))
    first, second = soffice.convert_many([_docx("甲公司案"), _docx("乙公司案")], timeout=120, command=converter)
    assert len(runs) == 1
    first_text, second_text = pdf_text(first), pdf_text(second)
    assert "甲公司案" in first_text and "乙公司案" not in first_text
    assert "乙公司案" in second_text and "甲公司案" not in second_text
    template = soffice.profile_template(converter)
    assert template is not None and (template / "user").is_dir()  # this run's profile, or an earlier one's


def test_a_profile_folder_that_others_may_write_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setattr(soffice.tempfile, "gettempdir", lambda: str(tmp_path))
    command = _fake_converter(tmp_path, "exit 0")
    template = soffice.profile_template(command)
    assert template is not None and template.parent == tmp_path / f"review-soffice-profiles-{os.getuid()}"
    assert stat.S_IMODE(template.parent.stat().st_mode) == 0o700
    template.parent.chmod(0o777)
    assert soffice.profile_template(command) is None
    assert soffice.profile_template(str(tmp_path / "no-such-program")) is None


def test_a_failed_run_on_a_copied_profile_discards_the_template(tmp_path, monkeypatch):
    monkeypatch.setattr(soffice.tempfile, "gettempdir", lambda: str(tmp_path))
    command = _fake_converter(tmp_path, "echo broken >&2; exit 3")
    template = soffice.profile_template(command)
    assert template is not None
    (template / "user").mkdir(parents=True)
    copies = []
    copy = soffice._copy_profile
    monkeypatch.setattr(soffice, "_copy_profile", lambda *args: copies.append(args) or copy(*args))
    with pytest.raises(soffice.ConversionError, match="退出码 3"):
        soffice.convert_many([b"not a docx"], timeout=30, command=command)
    assert copies[0][0] == template and not template.exists()  # the run copied it, then discarded it
    with pytest.raises(soffice.ConversionError, match="退出码 3"):  # and a run without a template fails the same
        soffice.convert_many([b"not a docx"], timeout=30, command=command)
    assert not template.exists()  # a failed run leaves no template
