"""The readable history of a case (案件办理记录) as a DOCX, for the archive package's PDF.

Case facts, every round's opinion and what was written in reply, the decision, then every history event with
its Chinese name and facts, and the chain head the package is sealed with.
"""
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from ..audit.vocabulary import VALUE_NAMES
from ..cases.history import ReadableEvent
from ..cases.readable import chinese_date
from ..cases.rounds import Round

BEIJING = ZoneInfo("Asia/Shanghai")
FONT = "Noto Serif CJK SC"


def beijing_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(BEIJING)
    return f"{chinese_date(local.date())} {local:%H:%M}"


def history_docx(metadata: dict, rounds: list[Round], history: list[ReadableEvent]) -> bytes:
    """The DOCX bytes of the case's readable record; metadata is the manifest's case section."""
    document = Document()
    _chinese_font(document)
    document.add_heading("重大执法决定法制审核案件办理记录", level=1)
    _facts(document, metadata)
    for round_ in rounds:
        _round(document, round_)
    decision = metadata.get("decision")
    if decision:
        document.add_heading("执法决定", level=2)
        document.add_paragraph(decision["text"])
        document.add_paragraph(f"决定文号：{decision.get('document_number') or '（无）'}　决定日期："
                               f"{chinese_date(decision['decided_on'])}　决定人：{decision.get('decided_by') or ''}")
    _events(document, history)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _chinese_font(document) -> None:
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3"):
        style = document.styles[name]
        style.font.name = FONT
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    document.styles["Normal"].font.size = Pt(10.5)


def _facts(document, metadata: dict) -> None:
    rows = [("机关", metadata["agency"]["name"]), ("案号", metadata["case_number"]), ("案件名称", metadata["title"]),
            ("决定类型", metadata["decision_type"]["label"]),
            ("当事人", f"{metadata['party']['name']}（{metadata['party']['type_label']}）"),
            ("拟作出的决定", metadata["proposed_decision"]),
            ("立案日期", chinese_date(metadata["dates"].get("filed_on") or "") or "（未填）"),
            ("送审时间", metadata["dates"]["submitted_at_beijing"])]
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, str(value)


def _round(document, round_: Round) -> None:
    """The round as the case page shows it: acceptance and supplements, the opinions, then the replies."""
    document.add_heading(f"第 {round_.number} 轮", level=2)
    before = [step for step in round_.steps if step.kind in ("acceptance", "supplement")]
    for step in before:
        _step(document, step)
    for opinion in round_.opinions:
        kind = "修改后的审核意见" if opinion.kind == "revision" else "审核意见"
        verdict = VALUE_NAMES.get(opinion.opinion, opinion.opinion)
        document.add_paragraph(f"{kind}：{verdict}（{opinion.reviewer.full_name}，{beijing_time(opinion.issued_at)}）")
        document.add_paragraph(opinion.text)
        for number, suggestion in enumerate(opinion.suggestions or [], 1):
            document.add_paragraph(f"{number}. {suggestion}")
    for step in round_.steps:
        if step not in before:
            _step(document, step)


def _step(document, step) -> None:
    document.add_paragraph(f"{step.title}（{step.actor_name}，{beijing_time(step.completed_at)}）")
    for line in step.lines:
        document.add_paragraph(f"{line.label}：{line.text}")


def _events(document, history: list[ReadableEvent]) -> None:
    document.add_heading("办理过程记录（全部历史）", level=2)
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, ("序号", "时间", "办理人", "操作", "内容"), strict=False):
        cell.text = title
    for item in history:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(item.event.seq), beijing_time(item.event.occurred_at)
        cells[2].text, cells[3].text = item.event.actor_name, item.name
        cells[4].text = "\n".join(f"{line.label}：{line.text}" for line in item.lines)
    if history:
        last = history[-1].event
        document.add_paragraph(f"历史记录链末条：第 {last.seq} 条，SHA-256 {last.hash}")
