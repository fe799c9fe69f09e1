from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from casefiles.validators import (
    CREDIT_CODE_ALPHABET,
    CREDIT_CODE_WEIGHTS,
    credit_code_check_char,
    id_number_check_char,
    validate_credit_code,
    validate_id_number,
)

# Published, genuinely issued code; independent of our implementation of the check algorithm.
KNOWN_CREDIT_CODE = "91110000802100433B"
# The worked example from GB 11643-1999.
KNOWN_ID_NUMBER = "11010519491231002X"


def _credit_code(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


def _id_number(first17: str) -> str:
    return first17 + id_number_check_char(first17)


def _credit_error(value: str) -> ValidationError:
    with pytest.raises(ValidationError) as exc_info:
        validate_credit_code(value)
    assert exc_info.value.code == "invalid_credit_code"
    return exc_info.value


def _id_error(value: str) -> ValidationError:
    with pytest.raises(ValidationError) as exc_info:
        validate_id_number(value)
    assert exc_info.value.code == "invalid_id_number"
    return exc_info.value


# --- unified social credit code -------------------------------------------------------------------------


def test_credit_code_check_char_matches_published_code() -> None:
    assert credit_code_check_char(KNOWN_CREDIT_CODE[:17]) == "B"


def test_credit_code_check_value_31_is_written_as_zero() -> None:
    first17 = "91350100M0001000D"
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    assert total % 31 == 0  # so 31 - (sum % 31) == 31, which the standard writes as "0"
    assert credit_code_check_char(first17) == "0"


@pytest.mark.parametrize("first17", ["", "9111000080210043", "911100008021004331", "91350100m000100y4"])
def test_credit_code_check_char_rejects_malformed_input(first17: str) -> None:
    with pytest.raises(ValueError):
        credit_code_check_char(first17)


@pytest.mark.parametrize(
    "value",
    [
        KNOWN_CREDIT_CODE,
        _credit_code("91350100M000100Y4"),
        _credit_code("12100000400000000"),
        _credit_code("91350100M0001000D"),
    ],
)
def test_valid_credit_codes_pass(value: str) -> None:
    validate_credit_code(value)


@pytest.mark.parametrize("value", ["", KNOWN_CREDIT_CODE[:17], KNOWN_CREDIT_CODE + "0"])
def test_credit_code_wrong_length(value: str) -> None:
    message = _credit_error(value).message
    assert "18 位" in message
    assert f"当前为 {len(value)} 位" in message


def test_credit_code_lower_case_is_rejected_with_hint() -> None:
    message = _credit_error(KNOWN_CREDIT_CODE.lower()).message
    # The first letter in the code is the check character at position 18.
    assert "第 18 位“b”" in message
    assert "大写“B”" in message


@pytest.mark.parametrize("char", ["I", "O", "Z", "S", "V"])
def test_credit_code_unused_letters_are_named(char: str) -> None:
    value = KNOWN_CREDIT_CODE[:8] + char + KNOWN_CREDIT_CODE[9:]
    message = _credit_error(value).message
    assert f"第 9 位“{char}”不是合法字符" in message
    assert "I、O、Z、S、V" in message


def test_credit_code_lower_case_unused_letter_is_illegal_not_case_issue() -> None:
    message = _credit_error(KNOWN_CREDIT_CODE[:8] + "o" + KNOWN_CREDIT_CODE[9:]).message
    assert "第 9 位“o”不是合法字符" in message


def test_credit_code_full_width_digit() -> None:
    message = _credit_error("９" + KNOWN_CREDIT_CODE[1:]).message
    assert "第 1 位“９”是全角字符" in message


def test_credit_code_whitespace_is_shown_by_code_point() -> None:
    message = _credit_error(KNOWN_CREDIT_CODE[:17] + " ").message
    assert "第 18 位U+0020不是合法字符" in message


def test_credit_code_wrong_check_char_says_expected_one() -> None:
    message = _credit_error(KNOWN_CREDIT_CODE[:17] + "C").message
    assert "校验位错误" in message
    assert "最后一位应为“B”" in message
    assert "当前为“C”" in message


# --- resident identity number ---------------------------------------------------------------------------


def test_id_number_check_char_matches_standard_example() -> None:
    assert id_number_check_char(KNOWN_ID_NUMBER[:17]) == "X"


@pytest.mark.parametrize(
    "first17", ["1101051949123100", "11010519491231002X", "1101051949123100a", "１" * 17]
)
def test_id_number_check_char_rejects_malformed_input(first17: str) -> None:
    with pytest.raises(ValueError):
        id_number_check_char(first17)


@pytest.mark.parametrize(
    "value",
    [
        KNOWN_ID_NUMBER,
        _id_number("44030419900101001"),
        _id_number("35010220000229123"),  # leap day
        _id_number("11010519000101001"),  # earliest accepted year
        _id_number("350102" + date.today().strftime("%Y%m%d") + "123"),
    ],
)
def test_valid_id_numbers_pass(value: str) -> None:
    validate_id_number(value)


@pytest.mark.parametrize("value", ["", "110105490101001", KNOWN_ID_NUMBER + "1"])
def test_id_number_wrong_length(value: str) -> None:
    message = _id_error(value).message
    assert "18 位" in message
    assert f"当前为 {len(value)} 位" in message


def test_id_number_letter_in_body() -> None:
    message = _id_error(KNOWN_ID_NUMBER[:3] + "A" + KNOWN_ID_NUMBER[4:]).message
    assert "第 4 位“A”不是数字" in message


def test_id_number_x_only_allowed_last() -> None:
    message = _id_error("X" + KNOWN_ID_NUMBER[1:]).message
    assert "第 1 位“X”不是数字" in message


def test_id_number_lower_case_x() -> None:
    message = _id_error(KNOWN_ID_NUMBER.lower()).message
    assert "大写“X”" in message


def test_id_number_illegal_last_char() -> None:
    message = _id_error(KNOWN_ID_NUMBER[:17] + "Y").message
    assert "最后一位“Y”不是合法字符" in message


def test_id_number_full_width_digit() -> None:
    message = _id_error("１" + KNOWN_ID_NUMBER[1:]).message
    assert "第 1 位“１”是全角字符" in message


@pytest.mark.parametrize("birth", ["19490230", "19491301", "19490000", "20230229"])
def test_id_number_impossible_birth_date(birth: str) -> None:
    message = _id_error(_id_number("110105" + birth + "002")).message
    assert f"出生日期“{birth}”不是有效日期" in message


def test_id_number_birth_year_before_1900() -> None:
    message = _id_error(_id_number("11010518991231002")).message
    assert "1899" in message
    assert "早于 1900 年" in message


def test_id_number_birth_date_in_future() -> None:
    tomorrow = date.today() + timedelta(days=1)
    message = _id_error(_id_number("110105" + tomorrow.strftime("%Y%m%d") + "002")).message
    assert f"出生日期 {tomorrow.isoformat()} 晚于今天" in message


def test_id_number_wrong_check_char_says_expected_one() -> None:
    message = _id_error(KNOWN_ID_NUMBER[:17] + "1").message
    assert "校验位错误" in message
    assert "最后一位应为“X”" in message
    assert "当前为“1”" in message
