"""Amounts of money (yuan) as exact decimals."""
from decimal import Decimal, InvalidOperation

from .errors import InvalidInput


def to_amount(value, field: str) -> Decimal:
    """Yuan with at most two decimals; refuse anything else instead of rounding money."""
    try:
        amount = Decimal(str(value if value is not None else 0))
    except InvalidOperation:
        raise InvalidInput("金额格式不正确", fields={field: ["金额格式不正确"]}) from None
    if not amount.is_finite() or amount < 0 or amount.as_tuple().exponent < -2:  # type: ignore[operator]  # finite: an int
        raise InvalidInput("金额最多保留两位小数且不能为负数", fields={field: ["金额最多保留两位小数且不能为负数"]})
    return amount.quantize(Decimal("0.01"))
