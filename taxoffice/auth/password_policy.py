"""What makes a password acceptable (pure): long enough, and not guessable by the zxcvbn estimator.

zxcvbn (Dropbox's estimator, Python port) rates a password against lists of the most common passwords, names, words
and keyboard patterns, and against repeats, sequences and dates; a score below ``MIN_SCORE`` is refused with its
own advice. It rates the first ``_RATED_CHARS`` characters (the estimator's own limit; the rest only adds strength).
"""

from zxcvbn import zxcvbn

from taxoffice.errors import FieldError

MIN_LENGTH = 10
# zxcvbn's 3: "safely unguessable: moderate protection from an offline slow-hash scenario".
MIN_SCORE = 3
_RATED_CHARS = 72


def password_problems(password: str, *related: str, field: str = "password") -> list[FieldError]:
    """Why ``password`` is refused (nothing when it is acceptable); ``related``: the username and the like."""
    if len(password) < MIN_LENGTH:
        return [FieldError(field, "password.too_short", f"At least {MIN_LENGTH} characters.")]
    rating = zxcvbn(password[:_RATED_CHARS], user_inputs=[r for r in related if r])
    if rating["score"] >= MIN_SCORE:
        return []
    feedback = rating["feedback"]
    advice = " ".join(filter(None, [feedback.get("warning"), *feedback.get("suggestions", [])]))
    return [FieldError(field, "password.too_guessable", advice or "Too easy to guess: add more unusual words.")]
