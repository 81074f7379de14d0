"""The inheritance rule of process versions, written once (processes.service.nearest_up_the_tree): an agency
uses its own latest version, else its nearest ancestor's, else the national default; the version a new case
starts on, the version the designer's pages show, and the profile in force all follow it."""
import json
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import select

from review_service.agencies.models import Agency
from review_service.extensions import db
from review_service.processes.profiles import profile_in_force
from review_service.processes.service import (
    latest_version,
    nearest_up_the_tree,
    publish_version,
    read_process_files,
    version_for_new_case,
    version_in_force,
)


def test_the_walk_takes_the_nearest_answer_up_the_tree_and_the_top_last():
    top = SimpleNamespace(code="top", parent=None)
    middle = SimpleNamespace(code="middle", parent=top)
    bottom = SimpleNamespace(code="bottom", parent=middle)
    asked = []

    def at(agency):
        asked.append(agency.code)
        return {"middle": "middle's", "top": "top's"}.get(agency.code)
    assert nearest_up_the_tree(bottom, at, lambda: "default") == "middle's"
    assert asked == ["bottom", "middle"]  # stops at the first answer
    assert nearest_up_the_tree(bottom, lambda agency: None, lambda: "default") == "default"
    assert nearest_up_the_tree(None, at, lambda: "default") == "default"
    assert nearest_up_the_tree(bottom, lambda agency: {} if agency.code == "bottom" else "x", lambda: "d") == {}


def files_with_profile(**settings) -> dict[str, bytes]:
    files = read_process_files(current_app.config["WORKFLOWS_DIR"] / "default")
    profile = json.loads(files["profile.json"]) if "profile.json" in files else {}
    files["profile.json"] = json.dumps({**profile, **settings}, ensure_ascii=False).encode("utf-8")
    return files


def in_force(agency) -> tuple:
    """What each caller of the rule answers for the agency: new case's version, pages' version, profile."""
    return version_for_new_case(agency), version_in_force(agency), profile_in_force(agency)["extension_approver"]


def test_every_caller_follows_the_same_rule(app):
    with app.app_context():
        agencies = {a.code: a for a in db.session.scalars(select(Agency))}
        district = Agency(code="district", name="区市场监督管理局", level="county", parent_id=agencies["city"].id)
        db.session.add(district)
        db.session.flush()
        default = latest_version(None)
        assert in_force(district) == (default, default, "deputy_head")

        provincial = publish_version(files_with_profile(extension_approver="head"), agency_id=agencies["province"].id)
        assert in_force(district) == (provincial, provincial, "head")
        assert in_force(agencies["other"]) == (provincial, provincial, "head")

        municipal = publish_version(files_with_profile(extension_approver="review_head"),
                                    agency_id=agencies["city"].id)
        assert in_force(district) == (municipal, municipal, "review_head")
        assert in_force(agencies["other"]) == (provincial, provincial, "head")
        assert in_force(agencies["province"]) == (provincial, provincial, "head")
