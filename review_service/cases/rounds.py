"""What people wrote into a case, round by round, as readable text (the opinion and the replies to it).

Per round: the review opinions (and revisions after coordination) and every completed step with its form
as readable lines — the handler's correction summary or objection (异议理由), the coordination minutes,
the head's settlement, a referral's reply, the collective discussion. The decision is the case's own row.
"""
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from .models import COMPLETED, Case, Opinion, Task
from .readable import Line, readable_form

REPLY_KINDS = ("response", "correction")  # the handling unit answers an opinion: correct, or disagree
DISPUTE_KINDS = ("coordination", "settlement", "referral", "collective_discussion")
SHOWN_AS_OPINION = ("review_opinion", "decision")  # shown from their own rows (opinions, the decision)


@dataclass(frozen=True)
class Step:
    """One completed step of the case with what was written into its form."""

    task_id: str
    kind: str
    title: str
    round: int
    actor_name: str
    completed_at: object
    lines: list[Line]
    data: dict

    @property
    def is_objection(self) -> bool:
        return self.kind == "response" and self.data.get("action") == "disagree"


@dataclass
class Round:
    number: int
    opinions: list[Opinion] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    @property
    def replies(self) -> list[Step]:
        return [step for step in self.steps if step.kind in REPLY_KINDS]


def completed_steps(case_id: int) -> list[Step]:
    """Every completed step of the case, oldest first, with its form as readable lines."""
    tasks = db.session.scalars(select(Task).where(Task.case_id == case_id, Task.status == COMPLETED)
                               .options(joinedload(Task.completed_by)).order_by(Task.completed_at, Task.id))
    return [Step(task_id=t.id, kind=t.kind, title=t.title, round=t.round,
                 actor_name=t.completed_by.full_name if t.completed_by else "系统", completed_at=t.completed_at,
                 lines=readable_form(t.form_key, t.data), data=t.data or {}) for t in tasks]


def case_rounds(case: Case) -> list[Round]:
    """The case's rounds in order, each with its opinions and its other completed steps."""
    rounds: dict[int, Round] = {}
    for opinion in case.opinions:
        rounds.setdefault(opinion.round, Round(opinion.round)).opinions.append(opinion)
    for step in completed_steps(case.id):
        if step.kind not in SHOWN_AS_OPINION:
            rounds.setdefault(step.round, Round(step.round)).steps.append(step)
    return [rounds[number] for number in sorted(rounds)]


def previous_exchange(task: Task) -> Round | None:
    """For a review task of round n > 1: round n-1's opinion and the handler's reply to it."""
    if task.kind != "review_opinion" or task.round <= 1:
        return None
    return next((r for r in case_rounds(task.case) if r.number == task.round - 1), None)


def dispute_exchange(task: Task) -> dict | None:
    """For a step settling a dispute: the latest opinion, the objection to it and the coordination so far."""
    if task.kind not in ("settlement", "referral"):
        return None
    case = task.case
    opinions = [o for o in case.opinions if o.round == task.round]
    steps = [s for s in completed_steps(case.id) if s.round == task.round]
    return {"opinion": opinions[-1] if opinions else None,
            "objection": next((s for s in reversed(steps) if s.is_objection), None),
            "coordination": [s for s in steps if s.kind == "coordination"]}
