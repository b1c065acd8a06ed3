"""The unified social credit code (统一社会信用代码) of GB 32100-2015.

A code is 18 characters from a 31-character alphabet (the digits and the capital letters
except I, O, Z, S and V). The 18th is a check character: with each of the first 17
characters worth its position in the alphabet and weighted 3**i mod 31 (i = 0..16), the
check character is worth 31 - (weighted sum mod 31), 31 itself standing for 0.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
WEIGHTS = tuple(pow(3, i, len(ALPHABET)) for i in range(LENGTH - 1))
_VALUE = {char: value for value, char in enumerate(ALPHABET)}


def check_character(first17):
    """The check character of the 17 characters ``first17`` (upper case, from the alphabet)."""
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS))
    return ALPHABET[(len(ALPHABET) - total % len(ALPHABET)) % len(ALPHABET)]


def problem(code):
    """Why ``code`` (already upper case) is not a valid code: a key of ``messages.MESSAGES``
    with its parameters, or None when it is valid."""
    if len(code) != LENGTH:
        return "length", {"length": len(code)}
    stray = next((char for char in code if char not in _VALUE), None)
    if stray is not None:
        return "character", {"char": stray}
    expected = check_character(code[:-1])
    if code[-1] != expected:
        return "check", {"expected": expected, "found": code[-1]}
    return None


def normalise(code):
    """The code as stored: upper case (input may be written in lower case)."""
    return code.upper()
