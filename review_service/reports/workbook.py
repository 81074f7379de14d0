"""The review-work report as an XLSX (openpyxl): 概况, 分机关, 审核要点问题, 审核人员名册, 口径说明."""
import io
from typing import cast

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from ..cases.readable import chinese_date
from . import service

FIGURES = (("cases_reviewed", "审核案件数"), ("passed_in_round_1", "首轮审核通过数"), ("opinions", "出具审核意见数"),
           ("average_review_working_days", "平均审核用时（工作日）"), ("review_rounds_measured", "计入用时的审核轮次"),
           ("overdue", "超期数"), ("transferred", "移送有权机关数"), ("decisions", "作出决定数"))


def report_xlsx(report: dict) -> bytes:
    """The XLSX bytes of a report as returned by service.review_work."""
    book = Workbook()
    summary = cast(Worksheet, book.active)  # a new workbook has one worksheet
    summary.title = "概况"
    period = f"{chinese_date(report['from_on'])}至{chinese_date(report['to_on'])}"
    _rows(summary, [("重大执法决定法制审核工作统计表",), ("机关", report["agency"]["name"]), ("统计期间", period),
                    ("包括下级机关", "是")] + [(title, report["total"][key]) for key, title in FIGURES])
    summary["A1"].font = Font(bold=True, size=14)
    by_agency = book.create_sheet("分机关")
    _rows(by_agency, [("机关代码", "机关", *(title for _, title in FIGURES))]
          + [(row["agency_code"], row["agency_name"], *(row[key] for key, _ in FIGURES)) for row in report["agencies"]]
          + [("合计", "", *(report["total"][key] for key, _ in FIGURES))])
    points = book.create_sheet("审核要点问题")
    _rows(points, [("审核要点", "发现问题次数")] + [(row["title"], row["issues"]) for row in report["checklist"]])
    staff = book.create_sheet("审核人员名册")
    _rows(staff, [("机关", "姓名", "类别", "法律职业资格证书编号", "执法证号", "任职或有效期起", "有效期至")]
          + [(m["agency_name"], m["name"], m["kind_title"], m["legal_qualification_no"] or "",
              m["enforcement_certificate_no"] or "", chinese_date(m["valid_from"]),
              chinese_date(m["valid_until"]) if m["valid_until"] else "") for m in report["roster"]])
    notes = book.create_sheet("口径说明")
    _rows(notes, [(line.strip(),) for line in service.__doc__.splitlines()[2:] if line.strip()])
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            width = max(len(str(cell.value or "")) for cell in column)
            letter = column[0].column_letter  # type: ignore[union-attr]  # row 1 holds no merged cells
            sheet.column_dimensions[letter].width = min(max(10, width * 2), 80)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(sheet, rows) -> None:
    for row in rows:
        sheet.append(list(row))
