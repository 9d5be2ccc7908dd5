"""Money in integer pence: the one strict parser, the one formatter, and VAT per line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from synergy_desk.domain.errors import ValidationError

# "75", "75.0", "75.00", "£75.00", "1,075.50", "£1,075"; thousands groups must be exact.
_AMOUNT = re.compile(
    r"""^£?
        (?P<units>0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)
        (?:\.(?P<pence>\d{1,2}))?
        $""",
    re.VERBOSE,
)

#: Largest amount the program accepts: £10,000,000.00.
MAX_PENCE = 1_000_000_000


def parse_pence(text: str, *, field: str = "amount", allow_zero: bool = True) -> int:
    """Parse an amount typed by a person into pence, strictly.

    Accepts "75", "75.00", "£75.00" and "1,075.50". Refuses negative amounts, more than two
    decimal places, stray characters and badly grouped thousands.

    Raises:
        ValidationError: with a message saying what is wrong.
    """
    if not isinstance(text, str):
        raise ValidationError(f"The {field} must be text such as 75.00.", field)
    cleaned = text.strip().replace(" ", "")
    if not cleaned:
        raise ValidationError(f"Enter the {field}, for example 75.00.", field)
    if cleaned.startswith("-") or cleaned.startswith("£-"):
        raise ValidationError(f"The {field} cannot be negative.", field)
    match = _AMOUNT.match(cleaned)
    if match is None:
        if re.match(r"^£?[\d,]*\.\d{3,}$", cleaned):
            raise ValidationError(f"The {field} cannot have more than two decimal places.", field)
        raise ValidationError(
            f"“{text.strip()}” is not an amount of money; type it like 75.00 or £1,075.50.", field)
    units = int(match.group("units").replace(",", ""))
    pence_text = match.group("pence") or "0"
    pence = int(pence_text.ljust(2, "0"))
    total = units * 100 + pence
    if total > MAX_PENCE:
        raise ValidationError(f"The {field} is too large.", field)
    if not allow_zero and total == 0:
        raise ValidationError(f"The {field} must be more than nothing.", field)
    return total


def format_pence(pence: int, *, symbol: bool = True) -> str:
    """Format pence as pounds, e.g. 107550 -> "£1,075.50" and -250 -> "-£2.50"."""
    sign = "-" if pence < 0 else ""
    pounds, rem = divmod(abs(pence), 100)
    return f"{sign}{'£' if symbol else ''}{pounds:,}.{rem:02d}"


def decimal_pence(pence: int) -> str:
    """Pence as a plain decimal a spreadsheet reads as a number: 107550 -> "1075.50"."""
    return format_pence(pence, symbol=False).replace(",", "")


def vat_pence(net_pence: int, rate_basis_points: int) -> int:
    """VAT on one line, rounded half-up to the penny.

    The rate is in basis points (2000 = 20%). Works on negative amounts symmetrically, so a
    credit note mirrors its receipt exactly.
    """
    if rate_basis_points < 0:
        raise ValidationError("The VAT rate cannot be negative.")
    sign = -1 if net_pence < 0 else 1
    numerator = abs(net_pence) * rate_basis_points
    whole, rem = divmod(numerator, 10_000)
    if rem * 2 >= 10_000:
        whole += 1
    return sign * whole


def format_rate(rate_basis_points: int) -> str:
    """A VAT rate as people write it: 2000 -> "20%", 1750 -> "17.5%"."""
    whole, rem = divmod(rate_basis_points, 100)
    if rem == 0:
        return f"{whole}%"
    return f"{whole}.{rem:02d}".rstrip("0") + "%"


def parse_rate(text: str) -> int:
    """Parse a VAT rate such as "20", "20%" or "17.5" into basis points."""
    cleaned = text.strip().rstrip("%").strip()
    match = re.fullmatch(r"(\d{1,2})(?:\.(\d{1,2}))?", cleaned)
    if match is None:
        raise ValidationError(f"“{text}” is not a VAT rate; type it like 20 or 17.5.", "vat_rate")
    return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))


@dataclass(frozen=True)
class LineAmounts:
    """Net, VAT and gross of one line, all in pence."""

    net_pence: int
    vat_rate_bp: int
    vat_pence: int
    gross_pence: int


def line_amounts(net_pence: int, rate_basis_points: int) -> LineAmounts:
    """Compute VAT once for a line and the gross that follows from it."""
    vat = vat_pence(net_pence, rate_basis_points)
    return LineAmounts(net_pence, rate_basis_points, vat, net_pence + vat)
