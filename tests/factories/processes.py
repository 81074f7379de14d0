"""Process versions: an agency's own version published, a case's version, BPMN scripts."""
from pathlib import Path

from sqlalchemy import select

from review_service.agencies.models import Agency
from review_service.engine.scripting import make_script_engine
from review_service.extensions import db
from review_service.processes.models import ProcessVersion, WorkflowInstance
from review_service.processes.service import publish_version, read_process_files


def publish_agency_process(app, replace: tuple[str, str]) -> None:
    """Publish the default process for the city agency with one text replaced in its BPMN."""
    with app.app_context():
        files = read_process_files(app.config["WORKFLOWS_DIR"] / "default")
        files["legal_review.bpmn"] = files["legal_review.bpmn"].replace(
            replace[0].encode(), replace[1].encode())
        assert replace[1].encode() in files["legal_review.bpmn"]
        city = db.session.scalar(select(Agency).where(Agency.code == "city"))
        publish_version(files, agency_id=city.id)
        db.session.commit()


def version_of_case(app, case_id: int) -> tuple[int | None, int]:
    """(agency id, number) of the process version a case runs on."""
    with app.app_context():
        instance = db.session.get(WorkflowInstance, case_id)
        version = db.session.get(ProcessVersion, instance.process_version_id)
        return version.agency_id, version.number


DEFAULT_BPMN = Path(__file__).resolve().parents[2] / "workflows" / "default" / "legal_review.bpmn"


def with_script_after_acceptance(script: str) -> bytes:
    """The default process with a script task between acceptance and its gateway."""
    xml = DEFAULT_BPMN.read_text(encoding="utf-8")
    xml = xml.replace('<bpmn:sequenceFlow id="f_acceptance_done" sourceRef="accept_submission" '
                      'targetRef="gw_acceptance" />',
                      '<bpmn:sequenceFlow id="f_acceptance_done" sourceRef="accept_submission" targetRef="sneaky" />'
                      '<bpmn:scriptTask id="sneaky" name="脚本"><bpmn:incoming>f_acceptance_done</bpmn:incoming>'
                      '<bpmn:outgoing>f_sneaky_done</bpmn:outgoing>'
                      f'<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
                      '<bpmn:sequenceFlow id="f_sneaky_done" sourceRef="sneaky" targetRef="gw_acceptance" />')
    xml = xml.replace("<bpmn:incoming>f_acceptance_done</bpmn:incoming>\n      <bpmn:outgoing>",
                      "<bpmn:incoming>f_sneaky_done</bpmn:incoming>\n      <bpmn:outgoing>", 1)
    assert 'id="sneaky"' in xml
    return xml.encode()


def run_script(source: str, data: dict | None = None) -> dict:
    """Execute a snippet in the restricted engine (no helpers); the resulting variables."""
    env = make_script_engine().environment
    context = dict(data or {})
    env.execute(source, context)
    return context
