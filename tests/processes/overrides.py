"""Build agency overrides of the national template for tests: an extra step, other words, other limits."""
import io
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "workflows" / "default"

GUANGDONG_PROFILE = {
    "name": "广东省参数（示例）",
    "basis": "广东省重大行政执法决定法制审核办法第十八条、第十九条",
    "time_limits": {"review_working_days": 7, "extension_working_days": 3},
    "extension_approver": "deputy_head",
    "opinion_vocabulary": {"approve": {"label": "通过", "aliases": ["审核通过"]},
                           "issues": {"label": "退回", "aliases": ["退回修改"]}},
    "escalation_target": "collective_discussion",
    "collective_discussion_after_review": True,
}

EXTRA_TASK = """    <bpmn:userTask id="leaders_meeting" name="局务会审议">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="record_collective_discussion.schema.json" />
          <spiffworkflow:property name="taskKind" value="leaders_meeting" />
          <spiffworkflow:property name="caseStatus" value="review_passed" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>f_ready_to_decide</bpmn:incoming>
      <bpmn:outgoing>f_met</bpmn:outgoing>
    </bpmn:userTask>
"""
MEETING = {"discussed_on": "2026-03-03", "participants": ["局长", "副局长"], "minutes": "局务会审议",
           "conclusion": "同意作出处罚决定"}


def default_bpmn() -> str:
    return (DEFAULT / "legal_review.bpmn").read_text(encoding="utf-8")


def replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def with_extra_step(bpmn: str) -> str:
    """An agency's own extra step: a 局务会审议 user task just before the decision (head's lane)."""
    flow = '<bpmn:sequenceFlow id="f_ready_to_decide" sourceRef="gw_ready_to_decide" targetRef="{}" />'
    met = '<bpmn:sequenceFlow id="f_met" sourceRef="leaders_meeting" targetRef="record_decision" />'
    bpmn = replace(bpmn, flow.format("record_decision"), flow.format("leaders_meeting") + "\n    " + met)
    decision_flows = "<bpmn:incoming>{}</bpmn:incoming>\n      <bpmn:outgoing>f_decided</bpmn:outgoing>"
    bpmn = replace(bpmn, decision_flows.format("f_ready_to_decide"), decision_flows.format("f_met"))
    bpmn = replace(bpmn, "<bpmn:flowNodeRef>record_decision</bpmn:flowNodeRef>",
                   "<bpmn:flowNodeRef>record_decision</bpmn:flowNodeRef>\n"
                   "        <bpmn:flowNodeRef>leaders_meeting</bpmn:flowNodeRef>")
    decision_task = '    <bpmn:userTask id="record_decision"'
    return replace(bpmn, decision_task, EXTRA_TASK + decision_task)


def upload(client, code: str, files: dict[str, str | bytes | dict]):
    """POST the files (text, bytes or a JSON document) as multipart to the agency's processes."""
    data = {"files": [(io.BytesIO(_bytes(content)), name) for name, content in files.items()]}
    return client.client.post(f"/api/v1/agencies/{code}/processes", data=data, headers=client.headers,
                              content_type="multipart/form-data")


def _bytes(content) -> bytes:
    if isinstance(content, dict):
        return json.dumps(content, ensure_ascii=False).encode("utf-8")
    return content.encode("utf-8") if isinstance(content, str) else content
