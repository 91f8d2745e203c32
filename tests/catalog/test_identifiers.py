"""GTINs: GS1 mod-10 check digit, lengths 8/12/13/14, ASCII digits only."""

import pytest
from django.core.exceptions import ValidationError

from catalog.identifiers import gtin_check_digit, is_valid_gtin, make_gtin13, validate_gtin


@pytest.mark.parametrize(
    "gtin",
    [
        "4006381333931",   # EAN-13
        "5012345678900",   # EAN-13, check digit 0
        "10012345678902",  # GTIN-14
        "036000291452",    # GTIN-12 (UPC-A)
        "96385074",        # EAN-8
    ],
)
def test_valid_gtins_pass(gtin):
    assert is_valid_gtin(gtin)
    validate_gtin(gtin)  # does not raise


def test_check_digit_weights_3_and_1_from_the_right():
    # 400638133393: from the right 3*3 + 9*1 + 3*3 + 3*1 + 3*3 + 1*1 + 8*3 + 3*1 + 6*3 + 0*1 + 0*3 + 4*1 = 89
    assert gtin_check_digit("400638133393") == 1
    assert make_gtin13("290000000001") == "2900000000018"


def validation_error(value) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_gtin(value)
    return caught.value


@pytest.mark.parametrize(("gtin", "expected"), [("4006381333932", 1), ("10012345678901", 2)])
def test_wrong_check_digit_is_refused_with_the_expected_digit(gtin, expected):
    error = validation_error(gtin)

    assert error.code == "gtin_check_digit"
    assert error.messages == [f"GTIN check digit is wrong: expected {expected}."]
    assert not is_valid_gtin(gtin)


@pytest.mark.parametrize("gtin", ["4006381", "40063813339", "400638133393100"])
def test_wrong_length_is_refused(gtin):
    error = validation_error(gtin)

    assert error.code == "gtin_length"
    assert error.messages == [f"A GTIN has 8, 12, 13 or 14 digits, not {len(gtin)}."]
    assert not is_valid_gtin(gtin)


@pytest.mark.parametrize(
    "gtin", ["40063813339A1", "4006381-33931", " 4006381333931", "４００６３８１３３３９３１", ""]
)
def test_non_digits_are_refused(gtin):
    error = validation_error(gtin)

    assert error.code == "gtin_not_digits"
    assert error.messages == ["A GTIN has digits only."]
    assert not is_valid_gtin(gtin)


@pytest.mark.django_db
def test_a_pack_with_a_bad_gtin_fails_model_validation(gsl_pack):
    gsl_pack.gtin = "4006381333932"

    with pytest.raises(ValidationError) as caught:
        gsl_pack.full_clean()

    assert caught.value.message_dict == {"gtin": ["GTIN check digit is wrong: expected 1."]}
