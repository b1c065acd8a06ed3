"""Passwords: hashed with scrypt (werkzeug), checked in constant time, with a length policy."""

from werkzeug.security import check_password_hash, generate_password_hash

from tessera.i18n import Message

from ..errors import RecordInvalid

MIN_LENGTH = 8
MAX_LENGTH = 1024
METHOD = "scrypt"

#: Checked against when the user is unknown, so a miss costs as much time as a hit.
_DUMMY_HASH = generate_password_hash("not a real password", method=METHOD)


def check_policy(password):
    """Raise RecordInvalid unless ``password`` is a string of acceptable length."""
    if not isinstance(password, str) or not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise RecordInvalid("identity.password.length", min=MIN_LENGTH, max=MAX_LENGTH,
                            errors={"password": [Message("input.text_length", min=MIN_LENGTH, max=MAX_LENGTH)]})


def hash_password(password):
    """The stored form of ``password`` after it passes the policy."""
    check_policy(password)
    return generate_password_hash(password, method=METHOD)


def verify_password(stored_hash, password):
    """True when ``password`` matches ``stored_hash``; a missing hash still costs one check."""
    if not isinstance(password, str) or len(password) > MAX_LENGTH:
        return False
    if not stored_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(stored_hash, password)
