"""Spreadsheet imports: CSV (UTF-8 with or without Excel's BOM) or XLSX (its first sheet); every row is
checked, and the import stores all rows or none.

Row numbers are the spreadsheet's line numbers: the header is row 1, the first data row is row 2.
"""
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime

from .errors import InvalidInput

RowCheck = Callable[[int, dict], dict[str, str]]  # (row number, values) -> {column: message}


def read_rows(content: bytes, *, required: tuple[str, ...], known: tuple[str, ...]) -> list[tuple[int, dict]]:
    """The data rows as (row number, {column: value}), blank cells left out; bad files raise InvalidInput."""
    header, lines = _xlsx_table(content) if content[:2] == b"PK" else _csv_table(content)
    missing = [name for name in required if name not in header]
    unknown = [name for name in header if name and name not in known]
    if missing or unknown:
        problems = [f"缺少列: {name}" for name in missing] + [f"未知列: {name}" for name in unknown]
        raise InvalidInput("表头不正确", code="import_failed", fields={"header": problems})
    rows = []
    for line_number, cells in lines:
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=False) if name and cell.strip()}
        rows.append((line_number, values))
    if not rows:
        raise InvalidInput("文件没有数据行", code="import_failed", fields={"file": ["没有数据行"]})
    return rows


def _csv_table(content: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("文件既不是 UTF-8 编码的 CSV，也不是 XLSX", code="import_failed",
                           fields={"file": ["请以 UTF-8 编码保存为 CSV，或保存为 Excel 工作簿 (.xlsx)"]}) from exc
    reader = csv.reader(io.StringIO(text))
    header = [name.strip() for name in next(reader, [])]
    return header, ((reader.line_num, cells) for cells in reader)


def _xlsx_table(content: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The first sheet of an Excel workbook, every cell as text (dates as YYYY-MM-DD)."""
    from openpyxl import load_workbook
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        table = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError) as exc:
        raise InvalidInput("无法读取 XLSX 文件", code="import_failed",
                           fields={"file": ["文件已损坏或不是 Excel 工作簿 (.xlsx)"]}) from exc
    header = [name.strip() for name in (table[0] if table else [])]
    return header, ((number, cells) for number, cells in enumerate(table[1:], start=2))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_all(rows: list[tuple[int, dict]], check: RowCheck) -> None:
    """Run `check` on every row; if any fails, raise one InvalidInput naming each bad row and column."""
    fields = {}
    for row_number, values in rows:
        for column, message in check(row_number, values).items():
            fields[f"rows.{row_number}.{column}"] = [message]
    if fields:
        bad_rows = sorted({int(key.split(".")[1]) for key in fields})
        raise InvalidInput(f"{len(bad_rows)} 行数据有误（第 {', '.join(map(str, bad_rows))} 行），未导入任何数据",
                           code="import_failed", fields=fields)


def first_errors(messages: dict) -> dict[str, str]:
    """marshmallow's {field: [messages]} as {column: first message}."""
    return {column: (errors[0] if isinstance(errors, list) else str(errors)) for column, errors in messages.items()}
