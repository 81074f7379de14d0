"""Build the shipped .docx templates: `python -m review_service.documents.build_templates [WORKFLOWS_DIR]`.

Why a script and not hand-made Word files: the layout (GB/T 9704-2012: A4, margins 37/35/28/26 mm,
仿宋_GB2312 三号 body at 22 lines a page, red 版头 and rule, 发文字号 line, 小标宋 title, 落款 and 成文日期)
is written once here as code that can be reviewed and diffed, every placeholder sits in a single run (so
docxtpl never meets a tag split by Word's spell-checker), and the files are byte-for-byte reproducible
(tests/documents checks the committed files equal a fresh build). A designer may still open the result
in Word, change it and drop it into workflows/<agency>/documents/; publishing checks it.
"""
import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

BODY_FONT, TITLE_FONT, HEADING_FONT = "仿宋_GB2312", "方正小标宋简体", "黑体"
RED = RGBColor(0xE6, 0x00, 0x12)
BODY_SIZE, LINE = Pt(16), Pt(28.95)  # 三号; 22 lines in the 225 mm type area
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def _font(run, name: str, size, *, bold=False, color=None) -> None:
    run.font.name, run.font.size, run.font.bold = name, size, bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    if color is not None:
        run.font.color.rgb = color


def para(doc, text: str = "", *, align=None, font=BODY_FONT, size=BODY_SIZE, bold=False, color=None,  # noqa: PLR0913  (python-docx paragraph options)
         indent=True, before=0):
    """One paragraph, its text in one run (placeholders stay whole)."""
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
    fmt.space_before, fmt.space_after = Pt(before), Pt(0)
    if indent and align is None:
        fmt.first_line_indent = Pt(32)  # two characters
    if align is not None:
        paragraph.alignment = align
    if text:
        _font(paragraph.add_run(text), font, size, bold=bold, color=color)
    return paragraph


def tag(doc, text: str):
    """A docxtpl paragraph tag ({%p ... %}): the whole paragraph is replaced by the tag."""
    return para(doc, text, indent=False)


def heading(doc, text: str):
    return para(doc, text, font=HEADING_FONT)


def red_rule(paragraph) -> None:
    """The red separator under the 版头 (a bottom border of the 发文字号 paragraph)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4"), ("w:color", "E60012")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def new_document():
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    return doc


def masthead(doc, issuer: str, number: str = "{{ number }}") -> None:
    """版头: the issuing body in red 小标宋, the 发文字号 centred under it, the red rule."""
    para(doc, issuer, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=Pt(26), color=RED, before=12)
    red_rule(para(doc, number, align=WD_ALIGN_PARAGRAPH.CENTER, before=12))
    para(doc)


def title(doc, text: str) -> None:
    para(doc, text, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=Pt(22))
    para(doc)


def signature(doc, who: str, when: str = "{{ date_cn }}") -> None:
    """落款 and 成文日期, right-aligned four characters in from the margin."""
    para(doc)
    for text in (who, when):
        paragraph = para(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        paragraph.paragraph_format.right_indent = Pt(64)


def table(doc, header: list[str], loop: str, cells: list[str]) -> None:
    """A table with a header row and one docxtpl row loop ({%tr for ... %} ... {%tr endfor %})."""
    grid = doc.add_table(rows=4, cols=len(header))
    grid.style, grid.alignment = "Table Grid", WD_TABLE_ALIGNMENT.CENTER
    rows = (header, [f"{{%tr {loop} %}}"] + [""] * (len(header) - 1), cells,
            ["{%tr endfor %}"] + [""] * (len(header) - 1))
    for row, texts in zip(grid.rows, rows, strict=False):
        for cell, text in zip(row.cells, texts, strict=False):
            cell.paragraphs[0].text = ""
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, Pt(12), bold=row is grid.rows[0])


def case_section(doc) -> None:
    heading(doc, "一、案件基本情况")
    para(doc, "案件编号：{{ case.number }}")
    para(doc, "案件名称：{{ case.title }}")
    para(doc, "当事人：{{ case.party_name }}（{{ case.party_type }}）")
    para(doc, "决定类型：{{ case.decision_type }}")
    para(doc, "拟作出的决定：{{ case.proposed_decision }}")
    tag(doc, "{%p if case.legal_basis %}")
    para(doc, "法律依据：{{ case.legal_basis }}")
    tag(doc, "{%p endif %}")


def materials_section(doc, number: str) -> None:
    heading(doc, f"{number}、审核的材料")
    tag(doc, "{%p for m in materials %}")
    para(doc, "{{ loop.index }}. {{ m.name }}（{{ m.category }}）")
    tag(doc, "{%p endfor %}")


def opinion_section(doc, number: str) -> None:
    heading(doc, f"{number}、审核意见")
    para(doc, "审核意见：{{ opinion.label }}")
    para(doc, "{{ opinion.text }}")
    tag(doc, "{%p if opinion.code == 'issues' %}")
    para(doc, "存在的问题及纠正建议：")
    tag(doc, "{%p for item in issues %}")
    para(doc, "{{ loop.index }}. {{ item.title }}：{{ item.note }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p for s in opinion.suggestions %}")
    para(doc, "建议{{ loop.index }}：{{ s }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if opinion.code == 'transfer' %}")
    para(doc, "建议移送：{{ opinion.transfer_target }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if opinion.reasons %}")
    para(doc, "理由：{{ opinion.reasons }}")
    tag(doc, "{%p endif %}")
    para(doc, "审核人员：{% for r in reviewers %}{{ r.name }}{% if r.qualification %}（法律职业资格证书编号"
              "{{ r.qualification }}）{% endif %}{% if not loop.last %}、{% endif %}{% endfor %}")


def national_opinion():
    doc = new_document()
    masthead(doc, "{{ agency_name }}")
    title(doc, "重大执法决定法制审核意见书")
    para(doc, "{{ case.handling_unit }}：", indent=False)
    para(doc, "你单位于{{ case.submitted_on_cn }}送审的{{ case.title }}（{{ case.number }}）一案，"
              "经{{ review_unit }}第{{ round }}轮审核，现提出书面审核意见如下。")
    case_section(doc)
    materials_section(doc, "二")
    heading(doc, "三、审核要点")
    table(doc, ["审核事项", "审核结论", "审核说明"], "for item in checklist",
          ["{{ item.title }}", "{{ item.verdict }}", "{{ item.note }}"])
    opinion_section(doc, "四")
    signature(doc, "{{ agency_name }}{{ review_unit }}")
    return doc


def guangdong_opinion():
    """The Guangdong demo variant: 审核机构 in the 版头, basic facts as a table, a signature line for reviewers."""
    doc = new_document()
    masthead(doc, "{{ agency_name }}{{ review_unit }}")
    title(doc, "重大行政执法决定法制审核意见书")
    grid = doc.add_table(rows=5, cols=2)
    grid.style = "Table Grid"
    for row, (label, value) in zip(grid.rows, (("案号", "{{ case.number }}"), ("案件名称", "{{ case.title }}"),
                                               ("当事人", "{{ case.party_name }}（{{ case.party_type }}）"),
                                               ("拟作出的决定", "{{ case.proposed_decision }}"),
                                               ("审核轮次", "第{{ round }}轮")), strict=False):
        for cell, text in zip(row.cells, (label, value), strict=False):
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, Pt(12))
    para(doc)
    materials_section(doc, "一")
    heading(doc, "二、审核内容（《广东省重大行政执法决定法制审核办法》第十五条）")
    table(doc, ["审核内容", "结论", "说明"], "for item in checklist",
          ["{{ item.title }}", "{{ item.verdict }}", "{{ item.note }}"])
    opinion_section(doc, "三")
    para(doc, "审核人员签名：")
    signature(doc, "{{ agency_name }}（{{ review_unit }}）")
    return doc


def submission_form():
    doc = new_document()
    masthead(doc, "{{ agency_name }}", number="")
    title(doc, "重大执法决定法制审核送审表")
    table(doc, ["项目", "内容"], "for row in rows", ["{{ row.label }}", "{{ row.value }}"])
    para(doc)
    heading(doc, "送审材料")
    tag(doc, "{%p for m in materials %}")
    para(doc, "{{ loop.index }}. {{ m.name }}（{{ m.category }}）")
    tag(doc, "{%p endfor %}")
    heading(doc, "须经法制审核的理由")
    tag(doc, "{%p for reason in review_required_reasons %}")
    para(doc, "{{ loop.index }}. {{ reason }}")
    tag(doc, "{%p endfor %}")
    para(doc, "承办人：{{ case.handler_name }}")
    signature(doc, "{{ agency_name }}{{ case.handling_unit }}")
    return doc


def coordination_record():
    doc = new_document()
    masthead(doc, "{{ agency_name }}", number="")
    title(doc, "法制审核意见协调记录")
    para(doc, "案件：{{ case.title }}（{{ case.number }}），第{{ round }}轮审核")
    para(doc, "参加人员：{{ participants }}")
    heading(doc, "协调情况")
    para(doc, "{{ minutes }}")
    para(doc, "协调结果：{{ outcome }}")
    tag(doc, "{%p if revision_reasons %}")
    para(doc, "修改审核意见的理由：{{ revision_reasons }}")
    tag(doc, "{%p endif %}")
    para(doc, "记录人：{{ recorded_by }}")
    signature(doc, "{{ agency_name }}{{ review_unit }}")
    return doc


def discussion_record():
    doc = new_document()
    masthead(doc, "{{ agency_name }}", number="")
    title(doc, "集体讨论记录")
    para(doc, "案件：{{ case.title }}（{{ case.number }}）")
    para(doc, "事由：{{ occasion }}")
    para(doc, "讨论日期：{{ discussed_on_cn }}")
    para(doc, "参加人员：{{ participants }}")
    heading(doc, "讨论情况")
    para(doc, "{{ minutes }}")
    para(doc, "讨论结论：{{ conclusion }}")
    tag(doc, "{%p if reasons %}")
    para(doc, "理由：{{ reasons }}")
    tag(doc, "{%p endif %}")
    para(doc, "记录人：{{ recorded_by }}")
    signature(doc, "{{ agency_name }}")
    return doc


TEMPLATES = {  # path under workflows/ -> builder
    "default/documents/opinion.docx": national_opinion,
    "default/documents/submission.docx": submission_form,
    "default/documents/coordination.docx": coordination_record,
    "default/documents/discussion.docx": discussion_record,
    "demo-gd-samr/documents/opinion.docx": guangdong_opinion,
}


def reproducible_zip(payload: bytes) -> bytes:
    """The same DOCX with every zip entry dated FIXED_ZIP_TIME, so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(payload)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def build(path: str) -> bytes:
    doc = TEMPLATES[path]()
    doc.core_properties.author = doc.core_properties.last_modified_by = "review_service"
    doc.core_properties.created = doc.core_properties.modified = datetime(*FIXED_ZIP_TIME)
    buffer = io.BytesIO()
    doc.save(buffer)
    return reproducible_zip(buffer.getvalue())


def write_all(workflows_dir: Path) -> list[Path]:
    written = []
    for path in TEMPLATES:
        target = workflows_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(build(path))
        written.append(target)
    return written


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "workflows"
    for written in write_all(root):
        print(written)
