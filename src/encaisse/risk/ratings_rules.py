"""What makes a credit rating worse than the one before it. Pure: values in, reasons out.

A downgrade is a score down by more than ``ENCAISSE_RATING_DOWNGRADE_POINTS`` (given as
``points``), a worse grade on a known ladder (AAA ... D, or A ... E), or more incidents.
Grades outside the ladder (an agency's own numbers) are not compared: the score is.
"""

from __future__ import annotations

from dataclasses import dataclass

from encaisse.core.i18n import Sentence, sentence

# Best first: the rating agencies' letters with their + and -, then A to E of the French
# credit agencies' classes.
_LADDER = (
    "AAA", "AA+", "AA", "AA-", "A+", "A", "A-", "BBB+", "BBB", "BBB-", "BB+", "BB", "BB-",
    "B+", "B", "B-", "CCC+", "CCC", "CCC-", "CC", "C", "D", "E",
)  # fmt: skip
_RANK = {grade: rank for rank, grade in enumerate(_LADDER)}


@dataclass(frozen=True)
class RatingFacts:
    score: int | None
    grade: str
    incidents: int | None


def grade_rank(grade: str) -> int | None:
    """The grade's place on the ladder (0 is best), or None for a grade off the ladder."""
    return _RANK.get(grade.strip().upper().replace(" ", ""))


def downgrade_reasons(before: RatingFacts, after: RatingFacts, *, points: int) -> list[Sentence]:
    """Why ``after`` is worse than ``before``; empty when it is not."""
    reasons = []
    if before.score is not None and after.score is not None and before.score - after.score > points:
        reasons.append(
            sentence(
                "score down from %(before)s to %(after)s",
                before=str(before.score),
                after=str(after.score),
            )
        )
    rank_before, rank_after = grade_rank(before.grade), grade_rank(after.grade)
    if rank_before is not None and rank_after is not None and rank_after > rank_before:
        reasons.append(
            sentence(
                "grade down from %(before)s to %(after)s", before=before.grade, after=after.grade
            )
        )
    if (after.incidents or 0) > (before.incidents or 0):
        reasons.append(
            sentence(
                "incidents up from %(before)s to %(after)s",
                before=str(before.incidents or 0),
                after=str(after.incidents),
            )
        )
    return reasons
