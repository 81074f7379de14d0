"""What the designer's pages read from a version's diagrams, without running them: which .bpmn file holds
the legal_review process, and the time limits its set_time_limits script starts from."""
import re

from lxml import etree

from ..engine import literal_assigned
from .service import PROCESS_ID
from .validation import BPMN_NS

TIME_LIMITS_TASK, TIME_LIMITS_VARIABLE = "set_time_limits", "time_limits"
_MAIN_PROCESS = re.compile(r"<(?:\w+:)?process\b[^>]*\bid=\"" + re.escape(PROCESS_ID) + "\"")


def main_bpmn_name(sources: dict[str, str]) -> str:
    """The .bpmn file holding the legal_review process (the one the editor shows)."""
    diagrams = sorted(name for name in sources if name.endswith(".bpmn"))
    for name in diagrams:
        if _MAIN_PROCESS.search(sources[name]):
            return name
    return diagrams[0] if diagrams else f"{PROCESS_ID}.bpmn"


def diagram_time_limits(bpmn: str) -> dict:
    """The literal defaults the diagram's set_time_limits script starts from ({} if it is not a plain literal)."""
    try:
        tree = etree.fromstring(bpmn.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return {}
    for task in tree.iter(f"{{{BPMN_NS}}}scriptTask"):
        script = task.find(f"{{{BPMN_NS}}}script")
        if task.get("id") != TIME_LIMITS_TASK or script is None:
            continue
        value = literal_assigned(script.text or "", TIME_LIMITS_VARIABLE)
        if value is not None:
            return value if isinstance(value, dict) else {}
    return {}
