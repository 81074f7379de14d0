"""What a template sees: the snapshot taken when a document is made, completed with names at rendering.

The snapshot (CaseDocument.context) holds what may change later (the case facts a correction edits, the
form the step recorded); names of people and units, materials (append-only, taken as of the snapshot)
and labels are read when the DOCX is rendered, off the request path. SAMPLES lists every placeholder
each kind of template may use; publishing renders each template against them.
"""
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from ..accounts.models import User
from ..agencies.models import Agency
from ..cases.forms import form_schema
from ..cases.models import Material
from ..china_time import local_date
from ..db_types import utcnow
from ..extensions import db
from ..processes.profiles import profile_of_case
from ..staffing.models import StaffMember

DEFAULT_NUMBER_FORMAT = "{agency_short}法审〔{year}〕{seq}号"
DEFAULT_REVIEW_UNIT = "法制审核机构"
HANDLING_UNIT = "承办机构"
KIND_TITLES = {"opinion": "审核意见书", "submission": "重大执法决定法制审核送审表",
               "coordination": "协调记录", "discussion": "集体讨论记录"}
OPINION_FALLBACK = {"approve": "同意", "issues": "存在问题", "transfer": "移送有权机关处理"}
COORDINATION_OUTCOMES = {"revise_to_approve": "法制审核机构修改审核意见为同意",
                         "handler_corrects": "承办机构整改后重新送审",
                         "escalate": "协调不成，按本机关规定提请处理"}
SETTLEMENT_OUTCOMES = {"re_review": "由法制审核机构重新审核", "correct": "承办机构整改后重新送审",
                       "transfer": "移送有权机关",
                       "close_without_decision": "终止办理，不作决定"}


def chinese_date(day: date | str | None) -> str:
    """2026年12月5日 (GB/T 9704: Arabic numerals, the year in full, no leading zeros)."""
    if not day:
        return ""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return f"{day.year}年{day.month}月{day.day}日"


def case_snapshot(case) -> dict:
    """The case facts as they stand now (in memory: no query)."""
    return {"number": case.case_number, "title": case.title, "party_name": case.party_name,
            "party_type": case.party_type, "decision_type": case.decision_type,
            "proposed_decision": case.proposed_decision, "legal_basis": case.legal_basis, "facts": case.facts,
            "fine_amount": str(case.fine_amount), "confiscation_amount": str(case.confiscation_amount),
            "sanctions": list(case.sanctions or []), "hearing_held": bool(case.hearing_held),
            "filed_on": case.filed_on.isoformat() if case.filed_on else None, "handler_id": case.handler_id,
            "handler_opinion": case.handler_opinion,
            "submitted_on": local_date(case.created_at or utcnow()).isoformat()}


def snapshot(case, *, actor, **extra) -> dict:
    return {"case": case_snapshot(case), "as_of": utcnow().isoformat(), "day": local_date(utcnow()).isoformat(),
            "actor_id": actor.id if actor is not None else None, **extra}


def _enum_titles(schema: dict) -> dict:
    return dict(zip(schema.get("enum", []), schema.get("options", {}).get("enum_titles", schema.get("enum", [])),
                    strict=False))


def _submission_titles(*path: str) -> dict:
    node = form_schema("case_submission")
    for key in path:
        node = node[key]
    return _enum_titles(node)


def _names(user_ids: Sequence[int | None]) -> dict[int | None, str]:
    ids = [user_id for user_id in user_ids if user_id is not None]
    # .all(): dict() of a Result itself would take it for a mapping (it has keys(), its column names)
    rows: Iterable[Any] = (db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all()
                           if ids else [])
    return dict(rows)


def _qualifications(user_ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(select(StaffMember.user_id, StaffMember.legal_qualification_no)
                              .where(StaffMember.user_id.in_(user_ids), StaffMember.kind == "legal_reviewer"))
    # user_id is never None here (the IN above), but the column may be
    return {user_id: number for user_id, number in rows if user_id is not None and number}


def _materials(case_id: int, as_of: str) -> list[dict]:
    categories = _submission_titles("properties", "materials", "items", "properties", "category")
    moment = datetime.fromisoformat(as_of)
    rows = db.session.scalars(select(Material).where(Material.case_id == case_id, Material.submitted_at <= moment)
                              .order_by(Material.id))
    return [{"name": m.name, "category": categories.get(m.category, m.category), "round": m.round} for m in rows]


def base_context(document, agency: Agency, profile: dict) -> dict:
    """What every template may use: agency, units, number, dates, the case as it stood, its materials."""
    saved = document.context
    case = dict(saved["case"])
    names = _names([case.get("handler_id"), saved.get("actor_id")])
    case.update(party_type=_submission_titles("properties", "party", "properties", "type").get(
                    case["party_type"], case["party_type"]),
                decision_type=_submission_titles("properties", "decision_type").get(
                    case["decision_type"], case["decision_type"]),
                sanctions="、".join(_submission_titles("properties", "sanctions", "items").get(s, s)
                                   for s in case.get("sanctions", [])),
                filed_on_cn=chinese_date(case.get("filed_on")), submitted_on_cn=chinese_date(case["submitted_on"]),
                handler_name=names.get(case.get("handler_id"), ""), handling_unit=HANDLING_UNIT)
    settings = profile.get("documents", {})
    return {"agency_name": agency.name, "agency_short": settings.get("agency_short") or agency.name,
            "review_unit": settings.get("review_unit") or DEFAULT_REVIEW_UNIT, "number": document.number or "",
            "round": document.round, "date_cn": chinese_date(saved["day"]), "year": int(saved["day"][:4]),
            "case": case, "materials": _materials(document.case_id, saved["as_of"]),
            "recorded_by": names.get(saved.get("actor_id"), "")}


def opinion_context(saved: dict, profile: dict) -> dict:
    opinion = dict(saved["opinion"])
    vocabulary = profile.get("opinion_vocabulary", {})
    opinion["label"] = vocabulary.get(opinion["code"], {}).get("label") or OPINION_FALLBACK[opinion["code"]]
    points = form_schema("review_case")["properties"]["checklist"]["properties"]
    verdicts = _enum_titles(next(iter(points.values()))["properties"]["verdict"]) if points else {}
    saved_points = saved.get("checklist") or {}
    ordered = [code for code in points if code in saved_points] + [c for c in saved_points if c not in points]
    checklist = [{"title": points.get(code, {}).get("title", code), "verdict": verdicts.get(item.get("verdict"), ""),
                  "note": item.get("note") or "", "is_issue": item.get("verdict") == "issue"}
                 for code, item in ((code, saved_points[code]) for code in ordered)]
    reviewer_ids = saved.get("reviewer_ids", [])
    names, qualifications = _names(reviewer_ids), _qualifications(reviewer_ids)
    reviewers = [{"name": names.get(i, ""), "qualification": qualifications.get(i, "")} for i in reviewer_ids]
    return {"opinion": opinion, "checklist": checklist, "issues": [item for item in checklist if item["is_issue"]],
            "reviewers": reviewers, "reviewer_names": "、".join(r["name"] for r in reviewers)}


def submission_context(saved: dict, case: dict) -> dict:
    rows = [("案件编号", case["number"]), ("案件名称", case["title"]),
            ("当事人", f"{case['party_name']}（{case['party_type']}）"), ("决定类型", case["decision_type"]),
            ("立案日期", case["filed_on_cn"]), ("案件事实", case.get("facts") or ""),
            ("法律依据", case.get("legal_basis") or ""), ("拟作出的决定", case["proposed_decision"]),
            ("罚款金额（元）", case["fine_amount"]), ("没收金额（元）", case["confiscation_amount"]),
            ("其他处罚", case["sanctions"]), ("是否听证", "是" if case["hearing_held"] else "否"),
            ("承办机构意见", case.get("handler_opinion") or ""), ("送审日期", case["submitted_on_cn"]),
            ("承办人", case["handler_name"])]
    return {"rows": [{"label": label, "value": value} for label, value in rows],
            "review_required": saved.get("review_required", True),
            "review_required_reasons": saved.get("review_required_reasons", [])}


def record_context(saved: dict) -> dict:
    form = saved.get("form", {})
    participants = "、".join(form.get("participants", []))
    if saved.get("record") == "coordination":
        return {"participants": participants, "minutes": form.get("minutes", ""),
                "outcome": COORDINATION_OUTCOMES.get(form.get("outcome"), form.get("outcome", "")),
                "revision_reasons": form.get("revision_reasons", "")}
    return {"participants": participants, "minutes": form.get("minutes", ""), "occasion": saved.get("occasion", ""),
            "discussed_on_cn": chinese_date(form.get("discussed_on") or saved["day"]),
            "conclusion": (form.get("conclusion")
                           or SETTLEMENT_OUTCOMES.get(form.get("outcome"), form.get("outcome", ""))),
            "reasons": form.get("reasons", "")}


def render_context(document) -> dict:
    """The full context of a document (reads names, materials and the case's profile)."""
    agency = db.session.get(Agency, document.agency_id)
    assert agency is not None  # documents.agency_id is a foreign key to agencies
    profile = profile_of_case(document.case_id)
    context = base_context(document, agency, profile)
    if document.kind == "opinion":
        context.update(opinion_context(document.context, profile))
    elif document.kind == "submission":
        context.update(submission_context(document.context, context["case"]))
    else:
        context.update(record_context(document.context))
    return context


_CASE = {"number": "市监罚〔2026〕1号", "title": "某公司销售不合格产品案", "party_name": "某某贸易有限公司",
         "party_type": "法人或者其他组织", "decision_type": "行政处罚", "proposed_decision": "罚款十五万元",
         "legal_basis": "《产品质量法》第四十九条", "facts": "事实", "fine_amount": "150000.00",
         "confiscation_amount": "0.00", "sanctions": "", "hearing_held": False, "filed_on": "2026-09-01",
         "filed_on_cn": "2026年9月1日", "handler_id": 1, "handler_opinion": "", "submitted_on": "2026-11-02",
         "submitted_on_cn": "2026年11月2日", "handler_name": "张三", "handling_unit": HANDLING_UNIT}
_BASE = {"agency_name": "某市市场监督管理局", "agency_short": "某市监", "review_unit": DEFAULT_REVIEW_UNIT,
         "number": "某市监法审〔2026〕1号", "round": 1, "date_cn": "2026年11月2日", "year": 2026, "case": _CASE,
         "materials": [{"name": "调查终结报告", "category": "调查终结报告", "round": 1}], "recorded_by": "李四"}
_ITEM = {"title": "执法程序是否合法", "verdict": "存在问题", "note": "未告知听证权利", "is_issue": True}
SAMPLES = {
    "opinion": {**_BASE, "opinion": {"code": "issues", "label": "存在问题", "text": "经审核", "kind": "review",
                                     "suggestions": ["建议"], "transfer_target": "市公安局", "reasons": "理由"},
                "checklist": [_ITEM], "issues": [_ITEM], "reviewers": [{"name": "李四", "qualification": "A2019"}],
                "reviewer_names": "李四"},
    "submission": {**_BASE, "rows": [{"label": "案件编号", "value": "1"}], "review_required": True,
                   "review_required_reasons": ["罚款数额较大"]},
    "coordination": {**_BASE, "participants": "张三、李四", "minutes": "记录", "outcome": "协调结果",
                     "revision_reasons": "理由"},
    "discussion": {**_BASE, "participants": "张三、李四", "minutes": "记录", "occasion": "事由",
                   "discussed_on_cn": "2026年11月2日", "conclusion": "结论", "reasons": "理由"},
}
