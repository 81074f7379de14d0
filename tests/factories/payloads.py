"""Form payloads: a submission, the review checklist, a review opinion and a decision."""
import copy

from review_service.china_time import today_in_china

CHECKLIST_POINTS = ("subject_and_qualification", "procedure", "facts_and_evidence",
                    "legal_basis_and_discretion", "authority", "documents", "crime_referral")


def submission(**overrides) -> dict:
    data = {
        "case_number": "市监罚〔2026〕1号",
        "title": "某公司销售不合格产品案",
        "decision_type": "administrative_penalty",
        "party": {"type": "legal_person", "name": "某某贸易有限公司"},
        "facts": "当事人销售不合格电线电缆。",
        "legal_basis": "《产品质量法》第四十九条",
        "proposed_decision": "没收违法所得二万元，并处罚款十五万元。",
        "fine_amount": 150000,
        "confiscation_amount": 20000,
        "sanctions": [],
        "hearing_held": False,
        "filed_on": "2026-09-01",
        "materials": [{"name": "调查终结报告", "category": "investigation_report"},
                      {"name": "行政处罚决定书（代拟稿）", "category": "decision_draft"}],
    }
    data.update(copy.deepcopy(overrides))
    return data


def checklist(**issues) -> dict:
    """All points pass, except those given as point=note (marked as issues)."""
    return {point: ({"verdict": "issue", "note": issues[point]} if point in issues else {"verdict": "pass"})
            for point in CHECKLIST_POINTS}


def review(opinion: str = "approve", **extra) -> dict:
    data = {"checklist": checklist(), "opinion": opinion, "opinion_text": "经审核，" + opinion}
    if opinion == "issues":
        data["checklist"] = checklist(legal_basis_and_discretion="裁量过重")
        data["suggestions"] = ["罚款数额超出裁量基准，建议调整"]
    if opinion == "transfer":
        data.update(transfer_target="市公安局", transfer_reasons="涉嫌生产、销售伪劣产品罪")
    data.update(extra)
    return data


def decision(**extra) -> dict:
    """The head's decision, dated today (Beijing; the frozen clock's day)."""
    return {"decision_text": "没收违法所得二万元，并处罚款十万元。", "decided_on": today_in_china().isoformat(),
            "document_number": "市监罚决〔2026〕1号", **extra}
