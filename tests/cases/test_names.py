import pytest

from cases.names import names_match, normalise


@pytest.mark.parametrize(
    "a, b",
    [
        (("Jakub", "Horváth"), ("jakub", "HORVATH")),  # case and accents
        (("Anna-Marie", "Smith"), ("Anna Marie", "Smith")),  # hyphens and spaces
        (("Smith", "Anna"), ("Anna", "Smith")),  # forename and surname swapped
        (("Mohammed", "Khan"), ("Muhammad", "Khan")),  # transliteration
        (("Mohamed", "Al Hassan"), ("Muhammad", "Al-Hassan")),
        (("Katerina", "Dvořáková"), ("Katarina", "Dvorakova")),
        (("Jon", "Smyth"), ("John", "Smyth")),  # a near spelling
    ],
)
def test_names_that_are_the_same_child(a, b):
    assert names_match(*a, *b)


@pytest.mark.parametrize(
    "a, b",
    [
        (("Jakub", "Horváth"), ("Eva", "Horváthová")),
        (("Ali", "Khan"), ("Aisha", "Khan")),
        (("Tom", "Green"), ("Sam", "Taylor")),
    ],
)
def test_names_that_are_different_children(a, b):
    assert not names_match(*a, *b)


def test_normalise():
    assert normalise("  Zoë-Ann O'Brien ") == "zoeannobrien"
    assert normalise("MOHAMMAD") == normalise("muhammed") == "muhammad"
