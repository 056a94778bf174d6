"""Children's names: what makes one (a visible letter, no control characters), and comparing
them the way officers would, ignoring case, accents, hyphens and spaces, the order of
forename and surname, and common transliterations."""

import re
import unicodedata
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError

# Spellings of one name, each mapped to one form. Extend with care: a wrong entry makes
# different children look alike, though an officer still decides.
_VARIANTS = {
    "muhammad": ["mohammed", "mohammad", "mohamed", "mohamad", "muhammed", "muhamed",
                 "mohammod", "mahomed", "mohd"],
    "ahmed": ["ahmad", "ahmet"],
    "yusuf": ["yousef", "yousuf", "youssef", "yusef"],
    "ali": ["aly"],
    "hussain": ["hussein", "husain", "husein", "hossain"],
    "aisha": ["ayesha", "aysha", "aishah"],
    "fatima": ["fatimah", "fatma"],
    "mariam": ["maryam", "miriam"],
    "ibrahim": ["ebrahim"],
    "abdul": ["abdal", "abdel"],
    "aleksander": ["alexander", "aleksandr", "alexandr"],
    "mihai": ["mihail", "mikhail"],
    "katarina": ["katerina", "katharina", "catarina"],
}  # fmt: skip
_CANONICAL = {variant: canon for canon, variants in _VARIANTS.items() for variant in variants}


def normalise(name: str) -> str:
    """Lower case, accents dropped, only letters kept, each word's known variant unified."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = re.findall(r"[a-z]+", plain.replace("ł", "l").replace("ß", "ss"))
    return "".join(_CANONICAL.get(word, word) for word in words)


def _close(a: str, b: str) -> bool:
    if not a or not b:
        return False
    return a == b or SequenceMatcher(None, a, b).ratio() >= 0.85


def names_match(forename: str, surname: str, other_forename: str, other_surname: str) -> bool:
    """True when two children's names are probably the same name, in either order."""
    f1, s1, f2, s2 = map(normalise, (forename, surname, other_forename, other_surname))
    return (
        (_close(f1, f2) and _close(s1, s2))
        or (_close(f1, s2) and _close(s1, f2))
        or (f1 + s1 == f2 + s2 or f1 + s1 == s2 + f2)
    )


def name_problem(name: str) -> str | None:
    """Why text cannot be a name, or None. A name of only spaces, zero-width characters or
    punctuation cannot be read, searched or matched, so it needs a letter, in any script."""
    if _CONTROL.search(name):  # a tab, a line break, a NUL... (Unicode's Cc, exactly)
        return "must not contain control characters such as tabs or line breaks"
    if _ASCII_LETTER.search(name):  # most names, found without looking at every character
        return None
    if not any(unicodedata.category(char).startswith("L") for char in name):
        return "must contain at least one letter"
    return None


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_ASCII_LETTER = re.compile("[A-Za-z]")


def name_validator(label: str):
    """A validator for a name field, whose message starts with the field's label."""

    def validate(name: str) -> None:
        if problem := name_problem(name):
            raise ValidationError(f"{label} {problem}", code="name")

    return validate


def validate_name(name: str) -> None:
    """The model's validator (a function at module level, so migrations can name it)."""
    name_validator("The name")(name)
