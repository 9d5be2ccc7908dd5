"""Phone numbers normalised to E.164 (default region GB) so a caller is found however typed.

``phonenumbers`` is imported by the functions that parse, not with the module: it is slow to
load and the window's first screen does not need it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from synergy_desk.domain.errors import ValidationError

DEFAULT_REGION = "GB"
#: The most digits a full international number has (E.164), its country code included.
MAX_DIGITS = 15


def normalise_phone(text: str, region: str = DEFAULT_REGION) -> str:
    """Return the number in E.164 form ("+441632960123").

    Raises:
        ValidationError: when the text is not a phone number.
    """
    raw = (text or "").strip()
    if not raw:
        return ""
    import phonenumbers

    # A full number has at most 15 digits after its international prefix (+ or 00): more
    # were mistyped, and the parser would quietly drop some rather than refuse them.
    significant = re.sub(r"\D", "", raw)
    if not raw.startswith("+") and significant.startswith("00"):
        significant = significant[2:]
    if len(significant) > MAX_DIGITS:
        raise ValidationError(f"“{raw}” has too many digits to be a phone number.", "phone")
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(f"“{raw}” is not a phone number.", "phone") from None
    # A 0 the parser kept after the country's own code is the trunk prefix of a number too
    # short to be whole ("029 2018 04"): stored, +44 029201804 would be a number nobody has
    # and no caller's number would ever match. (Italy's numbers keep their 0: no trunk.)
    country, trunk = _own_codes(region)
    if number.italian_leading_zero and trunk == "0" and str(number.country_code) == country:
        raise ValidationError(f"“{raw}” is not a whole phone number; check its digits.",
                              "phone")
    # A number only diallable locally (no area code) cannot be stored as a full number.
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        raise ValidationError(
            f"“{raw}” is not a whole phone number; include the area code.", "phone")
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise ValidationError(f"“{raw}” is not a possible phone number.", "phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def try_normalise_phone(text: str, region: str = DEFAULT_REGION) -> str | None:
    """Like :func:`normalise_phone` but None instead of an error."""
    try:
        return normalise_phone(text, region) or None
    except ValidationError:
        return None


@lru_cache(maxsize=65_536)
def display_phone(e164: str) -> str:
    """A stored E.164 number in the way people in its country write it.

    Cached: the search box shows the same customers keystroke after keystroke, and parsing a
    number costs far more than the rest of a search.
    """
    if not e164:
        return ""
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 44:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def printed_phone(text: str) -> str:
    """Any stored phone number, E.164 or as it was typed, the one way documents print it.

    What cannot be read as a number (an extension in words, say) prints as it was written.
    """
    text = (text or "").strip()
    if not text:
        return ""
    e164 = try_normalise_phone(text)
    return display_phone(e164) if e164 else text


def phone_search_terms(e164: str) -> list[str]:
    """Digit strings under which a stored number should be findable (E.164 and national)."""
    return list(_phone_search_terms(e164))


@lru_cache(maxsize=65_536)
def _phone_search_terms(e164: str) -> tuple[str, ...]:
    if not e164:
        return ()
    import phonenumbers

    digits = e164.lstrip("+")
    terms = [digits]
    try:
        number = phonenumbers.parse(e164, None)
        national = re.sub(r"\D", "", phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.NATIONAL))
        if national and national not in terms:
            terms.append(national)
    except phonenumbers.NumberParseException:
        pass
    return tuple(terms)


def looks_like_phone(text: str) -> bool:
    """True when a search fragment is mostly digits, as a phone number typed by a person."""
    stripped = re.sub(r"[\s()+\-.]", "", text or "")
    return len(stripped) >= 3 and stripped.isdigit()


def phone_query_digits(text: str, region: str = DEFAULT_REGION) -> str:
    """The digits to search for when a phone number is typed in any format.

    The search text holds every number twice, as its E.164 digits and in its national form,
    and a number is searched keystroke by keystroke, so every start of a number must find
    what the whole of it will:

    - "00" before the country's code is the international prefix, and is left out;
    - the trunk prefix written after the country's own code ("+44 (0)29…", "+44 029…") is
      left out, as dialling it would be;
    - under nine digits the digits are then searched as typed;
    - from nine on they are the number's E.164 digits, so that a whole number typed in any
      format is found as one, or the digits as typed where the parser cannot read them as
      a number. It once read "029 2018 04" as +44 029201804, which no stored number holds,
      and the caller found at the eighth digit was lost at the ninth; :func:`normalise_phone`
      now refuses that reading.
    """
    typed = (text or "").strip()
    digits = re.sub(r"\D", "", typed)
    international = typed.startswith("+")
    if not international and digits.startswith("00"):
        digits, international = digits[2:], True
    if len(digits) < 3:
        return digits
    country, trunk = _own_codes(region)
    if international and trunk and digits.startswith(country + trunk):
        digits = country + digits[len(country) + len(trunk):]
    if len(digits) < 9:
        return digits
    # A part the parser cannot read as a number (it refuses "029 2018 04", which it would
    # read as +44 029201804) is searched as its digits, which its national form holds.
    full = try_normalise_phone(text, region)
    return full.lstrip("+") if full else digits


def _own_codes(region: str) -> tuple[str, str | None]:
    """The region's country code and its trunk prefix (None where it has none: Italy)."""
    import phonenumbers

    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return (str(phonenumbers.country_code_for_region(region)),
            metadata.national_prefix if metadata is not None else None)


def is_valid_number(digits: str) -> bool:
    """True when E.164 digits (without the "+") make a valid number: of a length and in a
    range its country gives out. A part of a number, typed this far, is not one; nor are
    some ranges kept for drama (01632 960…, 07700 900…), whole numbers though they are."""
    if not digits:
        return False
    import phonenumbers

    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(number))


#: The URL schemes a softphone, a CRM or a web page uses to hand a number to the desk.
CALL_SCHEMES = ("tel", "callto")


def is_call_url(text: str) -> bool:
    """True when the text is a ``tel:`` or ``callto:`` URL (any case), not a bare number."""
    scheme, colon, _rest = (text or "").strip().partition(":")
    return bool(colon) and scheme.lower() in CALL_SCHEMES


def number_in_call_url(text: str) -> str:
    """The number a ``tel:`` or ``callto:`` URL dials, as it was written in the URL.

    Accepts what softphones and web pages send: ``tel:+44 20 7946 0000``, ``tel://+44…``,
    ``callto://+44…``, percent-encoded (``tel:%2B44%2020…``), with parameters after a
    semicolon (``;ext=12``, ``;phone-context=…``) or a query (``?…``), which do not name the
    caller and are left out.

    Raises:
        ValidationError: when the text is not such a URL, or it holds no number.
    """
    from urllib.parse import unquote

    raw = (text or "").strip()
    if not is_call_url(raw):
        raise ValidationError(f"“{raw}” is not a tel: or callto: link.", "phone")
    rest = unquote(raw.partition(":")[2]).strip()
    rest = rest.removeprefix("//").strip().rstrip("/")
    number = re.split(r"[;?#]", rest, maxsplit=1)[0].strip()
    if not number:
        raise ValidationError(f"“{raw}” names no phone number.", "phone")
    return number


def number_for_call(text: str, region: str = DEFAULT_REGION) -> str:
    """The caller's number in E.164 form, from a number typed in any format or from a
    ``tel:``/``callto:`` URL.

    Raises:
        ValidationError: when no phone number can be read from it.
    """
    raw = (text or "").strip()
    number = number_in_call_url(raw) if is_call_url(raw) else raw
    if not number:
        raise ValidationError("No phone number was given.", "phone")
    return normalise_phone(number, region)
