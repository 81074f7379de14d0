"""The agency's words for review opinions (profile opinion_vocabulary), mapped to the canonical codes.

Stored data and BPMN conditions always use approve | issues | transfer; the form shows the agency's
labels and a completion may send a label or an accepted alias instead of the code.
"""
import copy

from .profiles import profile_of_case

OPINION_FIELD = "opinion"
OPINION_TASK_KIND = "review_opinion"
CANONICAL_OPINIONS = ("approve", "issues", "transfer")


def vocabulary_of_case(case_id: int) -> dict:
    """The opinion vocabulary of the process version the case runs on (one small query, the file cached)."""
    return profile_of_case(case_id).get("opinion_vocabulary", {})


def normalise_opinion(task, data: dict) -> dict:
    """data with a label or alias in `opinion` replaced by its canonical code (review tasks only)."""
    value = data.get(OPINION_FIELD) if isinstance(data, dict) else None
    if task.kind != OPINION_TASK_KIND or not isinstance(value, str) or value in CANONICAL_OPINIONS:
        return data
    for code, term in vocabulary_of_case(task.case_id).items():
        if value == term.get("label") or value in term.get("aliases", []):
            return {**data, OPINION_FIELD: code}
    return data


def labelled_form_schema(task, schema: dict) -> dict:
    """The form schema with the agency's opinion labels as enum titles (review tasks only)."""
    field = (schema.get("properties") or {}).get(OPINION_FIELD)
    if task.kind != OPINION_TASK_KIND or not field or "enum" not in field:
        return schema
    vocabulary = vocabulary_of_case(task.case_id)
    if not vocabulary:
        return schema
    labelled = copy.deepcopy(schema)
    opinion = labelled["properties"][OPINION_FIELD]
    titles = (opinion.get("options") or {}).get("enum_titles") or list(opinion["enum"])
    opinion.setdefault("options", {})["enum_titles"] = [
        vocabulary.get(code, {}).get("label", title) for code, title in zip(opinion["enum"], titles, strict=False)]
    opinion["x-aliases"] = {code: term.get("aliases", []) for code, term in vocabulary.items()}
    return labelled
