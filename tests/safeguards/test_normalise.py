import pytest

from safeguards.normalise import address_key, normalise_first_line, normalise_phone, normalise_postcode


@pytest.mark.parametrize("written", ["SW1A 1AA", "sw1a1aa", " sw1a  1aa ", "Sw1A1Aa"])
def test_postcodes_are_upper_case_with_one_space_before_the_inward_code(written):
    assert normalise_postcode(written) == "SW1A 1AA"


@pytest.mark.parametrize("written", ["12 High St", "12 high street", "12, High St.", "12  HIGH   STREET"])
def test_first_lines_fold_case_punctuation_spaces_and_abbreviations(written):
    assert normalise_first_line(written) == "12 high street"


def test_abbreviations_fold_only_whole_words_and_apostrophes_vanish():
    assert normalise_first_line("Flat 2, St John's Rd") == "flat 2 street johns road"
    assert normalise_first_line("3 Stanley Drive") == normalise_first_line("3 stanley dr") == "3 stanley drive"


def test_address_keys_differ_for_another_house_or_postcode():
    key = address_key(postcode="sw1a1aa", first_line="12 High St")
    assert key == address_key(postcode="SW1A 1AA", first_line="12 high street") == "SW1A 1AA|12 high street"
    assert key != address_key(postcode="SW1A 1AA", first_line="14 High Street")
    assert key != address_key(postcode="SW1A 1AB", first_line="12 High Street")


@pytest.mark.parametrize("written", ["07700 900123", "07700-900123", "+44 7700 900123", "+44 (0)7700 900123",
                                     "0044 7700 900123"])
def test_uk_phone_numbers_reduce_to_their_national_digits(written):
    assert normalise_phone(written) == "07700900123"
