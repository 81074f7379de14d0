"""Which BPMN elements two diagrams add, remove or change, and each changed property (for the diff page).

Computed on the server from both files (no diagram library): every element with an id outside the diagram
interchange (shapes and edges only place elements), compared by id on its attributes, its Spiff
properties and the text of its id-less children (script, condition, documentation, pre/post script,
the lane's steps).
"""
from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
DI_NAMESPACES = ("http://www.omg.org/spec/BPMN/20100524/DI", "http://www.omg.org/spec/DD/20100524/DC",
                 "http://www.omg.org/spec/DD/20100524/DI")
SKIPPED_CHILDREN = ("incoming", "outgoing", "extensionElements", "properties", "property")


def element_diff(old_xml: str, new_xml: str) -> dict:
    """{added, removed, changed: [ids], names: {id: name}, rows: [{element, name, property, before, after}]}."""
    old, new = _elements(old_xml), _elements(new_xml)
    rows = []
    for element_id in sorted(set(old) & set(new)):
        before, after = old[element_id], new[element_id]
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                rows.append({"element": element_id, "name": after.get("name") or before.get("name") or "",
                             "property": key, "before": before.get(key), "after": after.get(key)})
    rows += [{"element": element_id, "name": new[element_id].get("name") or "", "property": "type",
              "before": None, "after": new[element_id]["type"]} for element_id in sorted(set(new) - set(old))]
    rows += [{"element": element_id, "name": old[element_id].get("name") or "", "property": "type",
              "before": old[element_id]["type"], "after": None} for element_id in sorted(set(old) - set(new))]
    names = {element_id: (new.get(element_id) or old[element_id]).get("name") or "" for element_id in {**old, **new}}
    return {"added": sorted(set(new) - set(old)), "removed": sorted(set(old) - set(new)),
            "changed": sorted({row["element"] for row in rows} & set(old) & set(new)), "names": names,
            "rows": rows}


def _elements(xml: str) -> dict[str, dict[str, str]]:
    """id -> {property: value} of every semantic element of the document ({} if it does not parse)."""
    try:
        tree = etree.fromstring(xml.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return {}
    found: dict[str, dict[str, str]] = {}
    for element in tree.iter():
        if not isinstance(element.tag, str) or not element.get("id") or _namespace(element) in DI_NAMESPACES:
            continue
        found[str(element.get("id"))] = _description(element)
    return found


def _description(element) -> dict[str, str]:
    values = {"type": _local(element.tag)}
    values |= {_local(key): value for key, value in element.attrib.items() if _local(key) != "id"}
    for child in element:
        if not isinstance(child.tag, str) or child.get("id") or _local(child.tag) in SKIPPED_CHILDREN:
            continue
        key = _local(child.tag)
        text = (child.text or "").strip()
        values[key] = f"{values[key]}\n{text}" if key in values else text
    for prop in element.iterfind(f"{{{BPMN_NS}}}extensionElements/{{{SPIFF_NS}}}properties/{{{SPIFF_NS}}}property"):
        values[prop.get("name") or ""] = prop.get("value") or ""
    for tag in ("preScript", "postScript"):
        script = element.find(f"{{{BPMN_NS}}}extensionElements/{{{SPIFF_NS}}}{tag}")
        if script is not None:
            values[tag] = (script.text or "").strip()
    return values


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _namespace(element) -> str:
    return element.tag[1:].split("}", 1)[0] if element.tag.startswith("{") else ""
