"""Triggers that always require review; no catalog can switch them off.

行政处罚法 Art. 58 ¶1 (1)-(4) and the scope of 国办发〔2018〕118号.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Trigger:
    code: str
    text: str
    basis: str


STATUTORY_TRIGGERS = (
    Trigger("major_public_interest", "涉及重大公共利益", "行政处罚法第五十八条第一款第（一）项"),
    Trigger("hearing_held", "直接关系当事人或者第三人重大权益，经过听证程序", "行政处罚法第五十八条第一款第（二）项"),
    Trigger("complex_case", "案件情况疑难复杂、涉及多个法律关系", "行政处罚法第五十八条第一款第（三）项"),
    Trigger("required_by_law", "法律、法规规定应当进行法制审核的其他情形", "行政处罚法第五十八条第一款第（四）项"),
    Trigger("major_rights_affected", "直接关系行政相对人或者第三人重大权益", "国办发〔2018〕118号"),
    Trigger("major_social_impact", "可能造成重大社会影响或者引发社会风险", "国办发〔2018〕118号"),
    Trigger("handler_requests_review", "承办机构认为需要进行法制审核", "机关内部规定"),
)


def matched_triggers(facts: dict) -> list[Trigger]:
    """The statutory triggers the case facts meet (hearing_held is a case fact, the rest are flags)."""
    flags = dict(facts.get("complexity") or {})
    flags["hearing_held"] = bool(facts.get("hearing_held"))
    return [trigger for trigger in STATUTORY_TRIGGERS if flags.get(trigger.code)]
