"""协调记录 and 集体讨论记录 where those steps happened; a revised opinion after coordination is numbered too."""
from ..factories import case_documents as documents
from ..factories import docx_text, download, review


def in_coordination(as_user) -> int:
    handler, reviewer = as_user("handler"), as_user("reviewer")
    case_id = handler.submit()["id"]
    reviewer.complete(case_id, "accept_submission", {"result": "accept"})
    reviewer.complete(case_id, "review_case", review("issues"))
    handler.complete(case_id, "respond_to_opinion", {"action": "disagree", "disagreement_reasons": "裁量适当"})
    return case_id


def test_a_coordination_that_revises_the_opinion_leaves_its_record_and_a_numbered_opinion(as_user):
    case_id = in_coordination(as_user)
    as_user("reviewer").complete(case_id, "record_coordination", {
        "outcome": "revise_to_approve", "minutes": "双方对裁量幅度充分交换意见。",
        "participants": ["reviewer", "handler"],
        "revision_reasons": "承办机构补充说明了从重情节，裁量适当。"})
    listed = documents(as_user("handler"), case_id)
    assert [(d["kind"], d["number"]) for d in listed] == [
        ("submission", None), ("opinion", "市市场监督管理局法审〔2026〕1号"), ("coordination", None),
        ("opinion", "市市场监督管理局法审〔2026〕2号")]
    record = docx_text(download(as_user("handler"), listed[2]["docx_url"]))
    for expected in ("法制审核意见协调记录", "参加人员：reviewer、handler", "双方对裁量幅度充分交换意见。",
                     "协调结果：法制审核机构修改审核意见为同意",
                     "修改审核意见的理由：承办机构补充说明了从重情节，裁量适当。", "记录人：reviewer"):
        assert expected in record, expected
    revised = docx_text(download(as_user("handler"), listed[3]["docx_url"]))
    assert "审核意见：同意" in revised and "承办机构补充说明了从重情节，裁量适当。" in revised
    assert "理由：双方对裁量幅度充分交换意见。" in revised


def test_a_dispute_settled_by_collective_discussion_leaves_its_record(as_user):
    case_id = in_coordination(as_user)
    as_user("reviewer").complete(case_id, "record_coordination", {"outcome": "escalate", "minutes": "协调未达成一致"})
    as_user("head").complete(case_id, "settle_dispute", {
        "method": "collective_discussion", "outcome": "re_review", "reasons": "应由法制审核机构重新审核",
        "minutes": "局务会讨论认为需重新审核。", "participants": ["head", "reviewer", "handler"]})
    listed = documents(as_user("handler"), case_id)
    assert [d["kind"] for d in listed] == ["submission", "opinion", "coordination", "discussion"]
    record = docx_text(download(as_user("handler"), listed[3]["docx_url"]))
    for expected in ("集体讨论记录", "事由：法制审核意见协调不成，提请集体讨论", "参加人员：head、reviewer、handler",
                     "局务会讨论认为需重新审核。", "讨论结论：由法制审核机构重新审核", "理由：应由法制审核机构重新审核",
                     "讨论日期：2026年11月2日"):
        assert expected in record, expected
