"""Spreadsheet (CSV) imports: read UTF-8 with or without Excel's BOM, check every row, all or nothing.

Row numbers are the spreadsheet's line numbers: the header is row 1, the first data row is row 2.
"""
import csv
import io
from collections.abc import Callable

from .errors import InvalidInput

RowCheck = Callable[[int, dict], dict[str, str]]  # (row number, values) -> {column: message}


def read_rows(content: bytes, *, required: tuple[str, ...], known: tuple[str, ...]) -> list[tuple[int, dict]]:
    """The data rows as (row number, {column: value}), blank cells left out; bad files raise InvalidInput."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("文件不是 UTF-8 编码的 CSV", code="import_failed",
                           fields={"file": ["请以 UTF-8 编码保存为 CSV"]}) from exc
    reader = csv.reader(io.StringIO(text))
    header = [name.strip() for name in next(reader, [])]
    missing = [name for name in required if name not in header]
    unknown = [name for name in header if name and name not in known]
    if missing or unknown:
        problems = [f"缺少列: {name}" for name in missing] + [f"未知列: {name}" for name in unknown]
        raise InvalidInput("表头不正确", code="import_failed", fields={"header": problems})
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=False) if name and cell.strip()}
        rows.append((reader.line_num, values))
    if not rows:
        raise InvalidInput("文件没有数据行", code="import_failed", fields={"file": ["没有数据行"]})
    return rows


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
