"""Marshmallow schemas: the arrangement file, and the calendar API's query and answers."""
from datetime import date

from marshmallow import EXCLUDE, INCLUDE, Schema, ValidationError, fields, validate, validates_schema

from ..china_time import plausible

SATURDAY = 5


class HolidaySchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True)


class ArrangementFileSchema(Schema):
    """A year's 放假安排 (see README.md): holidays as date ranges, make-up working days as dates."""

    comment = fields.String(data_key="_comment", metadata={"description": "free text, ignored"})
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=1949, max=2200))
    notice = fields.String(required=True, validate=validate.Length(min=1, max=200),
                           metadata={"description": "the notice's number, e.g. 国办发明电〔2026〕7号"})
    notice_date = fields.Date(load_default=None, metadata={"description": "the notice's date (发布日期)"})
    example = fields.Boolean(load_default=False, metadata={
        "description": "true: invented data (the shipped example); refused unless explicitly allowed"})
    holidays = fields.List(fields.Nested(HolidaySchema), required=True, validate=validate.Length(min=1))
    make_up_working_days = fields.List(fields.Date(), load_default=list)

    @validates_schema(skip_on_field_errors=False)
    def check_days(self, data, **kwargs):
        problems: dict[str, list[str]] = {}
        year = data.get("year")
        if not isinstance(year, int):
            return
        holiday_days = self._holiday_days(year, data.get("holidays") or [], problems)
        seen = set()
        for index, day in enumerate(data.get("make_up_working_days") or []):
            messages = []
            if day.year != year:
                messages.append(f"{day.isoformat()} 不在 {year} 年内")
            if day.weekday() < SATURDAY:
                messages.append(f"{day.isoformat()} 不是星期六或星期日，不能作为调休上班日")
            if day in holiday_days:
                messages.append(f"{day.isoformat()} 同时被列为放假日和调休上班日")
            if day in seen:
                messages.append(f"{day.isoformat()} 重复列出")
            seen.add(day)
            if messages:
                problems[f"make_up_working_days.{index}"] = messages
        if problems:
            raise ValidationError(problems)

    @staticmethod
    def _holiday_days(year: int, holidays: list[dict], problems: dict) -> set[date]:
        days: set[date] = set()
        for index, holiday in enumerate(holidays):
            start, end = holiday.get("from_"), holiday.get("to")
            if start is None or end is None:
                continue
            messages = [f"{d.isoformat()} 不在 {year} 年内" for d in (start, end) if d.year != year]
            if start > end:
                messages.append(f"起始日 {start.isoformat()} 晚于结束日 {end.isoformat()}")
            span = {date.fromordinal(o) for o in range(start.toordinal(), end.toordinal() + 1)}
            if days & span:
                messages.append("与其他假期的日期重叠")
            if messages:
                problems[f"holidays.{index}"] = messages
            days |= span
        return days


class DueQuerySchema(Schema):
    """Exactly one of working_days and calendar_days."""

    class Meta:
        unknown = EXCLUDE

    start = fields.Date(required=True, validate=plausible("start"), metadata={"description": "起算日 (not counted)"})
    working_days = fields.Integer(validate=validate.Range(min=0, max=3650))
    calendar_days = fields.Integer(validate=validate.Range(min=0, max=36500))
    agency = fields.String(validate=validate.Length(min=1, max=64),
                           metadata={"description": "agency code; default: the caller's agency"})

    @validates_schema
    def exactly_one_period(self, data, **kwargs):
        if ("working_days" in data) == ("calendar_days" in data):
            message = "working_days 与 calendar_days 必须且只能给出一个"
            raise ValidationError({"working_days": [message], "calendar_days": [message]})


class DueSchema(Schema):
    due_on = fields.Date(required=True)
    start = fields.Date(required=True)
    working_days = fields.Integer()
    calendar_days = fields.Integer()


class YearSourceSchema(Schema):
    year = fields.Integer(required=True)
    source = fields.String(required=True, metadata={"description": "package | loaded"})
    revision = fields.Integer(allow_none=True)
    notice = fields.String(allow_none=True)
    notice_date = fields.Date(allow_none=True)
    example = fields.Boolean(metadata={"description": "the loaded data is the invented example"})
    source_file = fields.String(allow_none=True)
    loaded_at = fields.DateTime(allow_none=True)


class YearListSchema(Schema):
    items = fields.List(fields.Nested(YearSourceSchema))


class LoadQuerySchema(Schema):
    example = fields.Boolean(load_default=False, metadata={"description": "allow a file marked as invented example"})
    accept_warnings = fields.Boolean(load_default=False, metadata={
        "description": "load although the draft has non-blocking warnings (e.g. more than 6 working days in a row)"})


class DraftWarningSchema(Schema):
    code = fields.String(metadata={"description": "make_up_not_weekend | holiday_on_make_up | long_working_stretch"})
    message = fields.String()
    field = fields.String()
    days = fields.List(fields.Date())
    blocking = fields.Boolean(metadata={"description": "true: the arrangement cannot be loaded as it is"})


class PreviewSchema(Schema):
    year = fields.Integer(allow_none=True)
    example = fields.Boolean()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "what stops loading, by field path"})
    warnings = fields.List(fields.Nested(DraftWarningSchema))
    working_days = fields.List(fields.Date(), metadata={"description": "every working day of the year"})


class LoadedSchema(Schema):
    year = fields.Integer()
    revision = fields.Integer()
    changed_days = fields.Integer(metadata={"description": "how many days changed kind"})
    deadlines_recomputed = fields.Integer(metadata={"description": "open deadlines whose due date moved"})
    warnings = fields.List(fields.String())


class ArrangementBodySchema(Schema):
    """The request body: the arrangement file as JSON, passed through as is (checked by the service)."""

    class Meta:
        unknown = INCLUDE
