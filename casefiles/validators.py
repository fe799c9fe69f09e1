"""Validators for the identifiers of parties to an enforcement case.

- 统一社会信用代码 (unified social credit code) of legal persons and other organisations, GB 32100-2015;
- 公民身份号码 (resident identity number), GB 11643-1999.

Both are checked for length, character set and the trailing check character. A check-character mismatch
almost always means a typo, so the messages state the expected character to let the user compare it with
the paper document instead of guessing which position is wrong.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18

ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_NUMBER_CHECK_CHARS = "10X98765432"
ID_NUMBER_LENGTH = 18
ID_NUMBER_MIN_BIRTH_YEAR = 1900

_ASCII_DIGITS = "0123456789"


def _is_fullwidth(char: str) -> bool:
    # Text pasted from Chinese documents or typed with a Chinese IME often carries full-width digits and
    # letters that look identical to ASCII ones; naming the cause saves the user a frustrating search.
    return "\uff01" <= char <= "\uff5e"


def _describe_char(char: str) -> str:
    # Whitespace and control characters are invisible inside quotes, so show them by code point.
    if char.isprintable() and not char.isspace():
        return f"“{char}”"
    return f"U+{ord(char):04X}"


def credit_code_check_char(first17: str) -> str:
    """Return the check character (18th position) for the first 17 characters of a credit code."""
    if len(first17) != CREDIT_CODE_LENGTH - 1 or any(c not in CREDIT_CODE_ALPHABET for c in first17):
        raise ValueError(f"expected 17 characters from {CREDIT_CODE_ALPHABET!r}, got {first17!r}")
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    # The standard defines the check value as 31 - (sum mod 31) with 31 written as 0.
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Raise ValidationError(code="invalid_credit_code") unless value is a valid 18-character USCC."""
    if len(value) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            f"统一社会信用代码应为 18 位，当前为 {len(value)} 位，请核对是否漏填或多填。",
            code="invalid_credit_code",
        )
    for position, char in enumerate(value, start=1):
        if char in CREDIT_CODE_ALPHABET:
            continue
        if char.upper() in CREDIT_CODE_ALPHABET:
            message = (
                f"统一社会信用代码第 {position} 位“{char}”是小写字母，请改为大写“{char.upper()}”"
                "（代码中的字母一律大写）。"
            )
        elif _is_fullwidth(char):
            message = f"统一社会信用代码第 {position} 位{_describe_char(char)}是全角字符，请切换到半角输入。"
        else:
            message = (
                f"统一社会信用代码第 {position} 位{_describe_char(char)}不是合法字符："
                "只能使用数字 0–9 和大写英文字母，且不使用 I、O、Z、S、V。"
            )
        raise ValidationError(message, code="invalid_credit_code")
    expected = credit_code_check_char(value[:-1])
    if value[-1] != expected:
        raise ValidationError(
            f"统一社会信用代码校验位错误：按前 17 位计算，最后一位应为“{expected}”，当前为“{value[-1]}”。"
            "请对照营业执照等证照逐位核对。",
            code="invalid_credit_code",
        )


def id_number_check_char(first17: str) -> str:
    """Return the check character (18th position) for the first 17 digits of a resident ID number."""
    if len(first17) != ID_NUMBER_LENGTH - 1 or any(c not in _ASCII_DIGITS for c in first17):
        raise ValueError(f"expected 17 ASCII digits, got {first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, ID_NUMBER_WEIGHTS, strict=True))
    return ID_NUMBER_CHECK_CHARS[total % 11]


def _id_char_error(position: int, char: str) -> str:
    if position == ID_NUMBER_LENGTH and char == "x":
        return "公民身份号码最后一位“x”请改为大写“X”。"
    if _is_fullwidth(char):
        return f"公民身份号码第 {position} 位{_describe_char(char)}是全角字符，请切换到半角输入。"
    if position == ID_NUMBER_LENGTH:
        return f"公民身份号码最后一位{_describe_char(char)}不是合法字符：只能是数字 0–9 或大写字母 X。"
    return f"公民身份号码第 {position} 位{_describe_char(char)}不是数字：前 17 位只能是数字 0–9。"


def validate_id_number(value: str) -> None:
    """Raise ValidationError(code="invalid_id_number") unless value is a valid 18-digit resident ID number."""
    if len(value) != ID_NUMBER_LENGTH:
        raise ValidationError(
            f"公民身份号码应为 18 位，当前为 {len(value)} 位，请核对是否漏填或多填。",
            code="invalid_id_number",
        )
    for position, char in enumerate(value, start=1):
        allowed = _ASCII_DIGITS + "X" if position == ID_NUMBER_LENGTH else _ASCII_DIGITS
        if char not in allowed:
            raise ValidationError(_id_char_error(position, char), code="invalid_id_number")

    birth = value[6:14]
    try:
        birth_date = date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError:
        raise ValidationError(
            f"公民身份号码第 7–14 位的出生日期“{birth}”不是有效日期，请核对年月日。",
            code="invalid_id_number",
        ) from None
    if birth_date.year < ID_NUMBER_MIN_BIRTH_YEAR:
        raise ValidationError(
            f"公民身份号码中的出生年份 {birth_date.year} 早于 {ID_NUMBER_MIN_BIRTH_YEAR} 年，"
            "请核对第 7–10 位。",
            code="invalid_id_number",
        )
    # Django sets the process time zone to settings.TIME_ZONE (Asia/Shanghai), so date.today() is the
    # local calendar date without requiring configured settings here.
    if birth_date > date.today():
        raise ValidationError(
            f"公民身份号码中的出生日期 {birth_date.isoformat()} 晚于今天，请核对第 7–14 位。",
            code="invalid_id_number",
        )

    expected = id_number_check_char(value[:-1])
    if value[-1] != expected:
        raise ValidationError(
            f"公民身份号码校验位错误：按前 17 位计算，最后一位应为“{expected}”，当前为“{value[-1]}”。"
            "请对照身份证逐位核对。",
            code="invalid_id_number",
        )
