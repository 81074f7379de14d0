"""Every path of workflows/default/legal_review.bpmn through review_service.engine alone: no HTTP, no database,
no service. Each step stores the instance as the service does (dump, then load onto the spec restored from
its stored JSON), completes one READY human task with its form data and checks where the instance stopped.

Not here because they are not paths of the diagram: the withdrawal of published information and the extension
of a deadline are tasks the service opens itself (tests/deadlines); form validation is the service's.
"""
import pytest

from review_service.engine import Runtime, TaskNotReady, dump_spec, load_spec, parse_process

from .paths import (
    APPROVE,
    ARCHIVED,
    CASE,
    CORRECT,
    ESCALATION_TASKS,
    HANDLER,
    HEAD,
    ISSUES,
    PROCESS,
    PUBLISHED,
    REVIEW_UNIT,
    TRANSFER,
    Instance,
    accepted,
    decided,
    escalated,
    in_coordination,
)


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    """The default process parsed and linted as publishing does, then restored from its stored JSON."""
    parsed = parse_process({PROCESS.name: PROCESS.read_bytes()}, "legal_review")
    spec, subprocess_specs = load_spec(dump_spec(parsed.spec, parsed.subprocess_specs))
    return Runtime(spec=spec, subprocess_specs=subprocess_specs, lanes=parsed.lanes_by_name)


# --- whether a review is needed, acceptance and materials -----------------------------------------------

def test_a_case_that_needs_no_review_ends_at_once(runtime):
    instance = Instance(runtime, review_required=False)
    assert (instance.ready(), instance.ended_with()) == ([], "review_not_required")


def test_submission_opens_the_acceptance_in_the_review_unit_with_the_national_time_limits(runtime):
    instance = Instance(runtime)
    assert (instance.ready(), instance.lane_of("accept_submission")) == (["accept_submission"], REVIEW_UNIT)
    run = instance.run()
    limits = run.latest_value("time_limits")
    assert (limits["review_working_days"], limits["extension_working_days"], limits["supplement_mode"],
            limits["statutory_decision_calendar_days"], limits["withdrawal_working_days"]) == (5, 3, "RESTART", 90, 3)
    [task] = run.ready_human_tasks()
    assert task.properties["taskKind"] == "acceptance" and task.properties["caseStatus"] == "awaiting_acceptance"
    assert run.evaluate(task.id, task.properties["deadlineWorkingDays"]) == 5
    assert run.evaluate(task.id, task.properties["deadlineCapFrom"]) == CASE["filed_on"]


def test_the_profiles_time_limits_override_the_national_defaults(runtime):
    run = Instance(runtime, time_limits={"review_working_days": 7, "supplement_mode": "SUSPEND"}).run()
    [task] = run.ready_human_tasks()
    assert run.evaluate(task.id, task.properties["deadlineWorkingDays"]) == 7
    assert run.evaluate(task.id, task.properties["supplementMode"]) == "SUSPEND"
    assert run.latest_value("time_limits")["extension_working_days"] == 3


def test_returned_for_materials_twice_then_accepted(runtime):
    instance = Instance(runtime)
    for _ in range(2):
        instance.complete("accept_submission", {"result": "return", "missing_materials": ["现场检查笔录"]})
        assert (instance.ready(), instance.lane_of("supply_materials")) == (["supply_materials"], HANDLER)
        instance.complete("supply_materials", {"materials": [{"name": "现场检查笔录", "category": "evidence"}]})
        assert instance.ready() == ["accept_submission"]
    instance.complete("accept_submission", {"result": "accept"})
    assert instance.ready() == ["review_case"]


# --- the opinion -------------------------------------------------------------------------------------------

def test_approved_then_decided_published_and_archived(runtime):
    instance = accepted(runtime).complete("review_case", APPROVE)
    assert (instance.ready(), instance.lane_of("record_decision")) == (["record_decision"], HEAD)
    decided(instance).complete("publish_decision", PUBLISHED)
    assert (instance.ready(), instance.ended_with()) == (["archive_case"], None)
    instance.complete("archive_case", ARCHIVED)
    assert (instance.ready(), instance.ended_with()) == ([], "decided")


def test_archiving_may_come_before_publication(runtime):
    instance = decided(accepted(runtime).complete("review_case", APPROVE)).complete("archive_case", ARCHIVED)
    assert (instance.ready(), instance.ended_with()) == (["publish_decision"], None)
    instance.complete("publish_decision", PUBLISHED)
    assert instance.ended_with() == "decided"


def test_a_transfer_opinion_ends_without_a_decision(runtime):
    instance = accepted(runtime).complete("review_case", TRANSFER)
    assert (instance.ready(), instance.ended_with()) == ([], "transferred")


def test_issues_corrected_then_approved_in_the_next_round(runtime):
    instance = accepted(runtime).complete("review_case", ISSUES)
    assert (instance.ready(), instance.lane_of("respond_to_opinion")) == (["respond_to_opinion"], HANDLER)
    instance.complete("respond_to_opinion", CORRECT)
    assert instance.ready() == ["review_case"]
    instance.complete("review_case", APPROVE)
    assert instance.ready() == ["record_decision"]


def test_a_completed_task_cannot_be_completed_again(runtime):
    instance = Instance(runtime)
    run = instance.run()
    [task] = run.ready_human_tasks()
    run.complete(task.id, "accept_submission", {"result": "accept"})
    with pytest.raises(TaskNotReady):
        run.complete(task.id, "accept_submission", {"result": "return"})


# --- coordination and escalation ---------------------------------------------------------------------------

def test_disagreement_goes_to_coordination_in_the_review_unit(runtime):
    instance = in_coordination(runtime)
    assert instance.lane_of("record_coordination") == REVIEW_UNIT


def test_coordination_revises_the_opinion_to_approve(runtime):
    instance = in_coordination(runtime).complete("record_coordination", {
        "outcome": "revise_to_approve", "minutes": "协调一致", "revision_reasons": "裁量说明充分"})
    assert instance.ready() == ["record_decision"]


def test_coordination_has_the_handler_correct_and_resubmit(runtime):
    instance = in_coordination(runtime).complete("record_coordination",
                                                 {"outcome": "handler_corrects", "minutes": "承办机构整改"})
    assert (instance.ready(), instance.lane_of("resubmit_corrected")) == (["resubmit_corrected"], HANDLER)
    instance.complete("resubmit_corrected", {"correction_summary": "已整改", "updated": {"fine_amount": 90000}})
    assert instance.ready() == ["review_case"]


@pytest.mark.parametrize("target", list(ESCALATION_TASKS))
def test_a_failed_coordination_goes_where_the_profile_says(runtime, target):
    instance = escalated(runtime, target)
    assert instance.lane_of(ESCALATION_TASKS[target]) == HEAD


SETTLEMENTS = [("re_review", ["review_case"], None), ("correct", ["resubmit_corrected"], None),
               ("transfer", [], "transferred"), ("close_without_decision", [], "closed_without_decision")]


@pytest.mark.parametrize("target", ["agency_head", "collective_discussion", "higher_agency", "justice_department"])
@pytest.mark.parametrize("outcome, ready, ended_with", SETTLEMENTS)
def test_every_settlement_outcome_from_every_escalation_target(runtime, target, outcome, ready, ended_with):
    instance = escalated(runtime, target)
    instance.complete(ESCALATION_TASKS[target], {"outcome": outcome, "reasons": "经研究决定", "minutes": "记录",
                                                  "participants": ["甲", "乙"], "transfer_target": "市公安局"})
    assert (instance.ready(), instance.ended_with()) == (ready, ended_with)


def test_a_settlement_re_review_can_lead_to_a_decision(runtime):
    instance = escalated(runtime, "agency_head").complete("settle_dispute", {"outcome": "re_review", "reasons": "重审"})
    instance.complete("review_case", APPROVE)
    decided(instance).complete("publish_decision", PUBLISHED).complete("archive_case", ARCHIVED)
    assert instance.ended_with() == "decided"


# --- the collective discussion after a passed review ------------------------------------------------------

def test_a_profile_requiring_a_collective_discussion_puts_it_before_the_decision(runtime):
    instance = accepted(runtime, collective_discussion_after_review=True).complete("review_case", APPROVE)
    assert (instance.ready(), instance.lane_of("collective_discussion")) == (["collective_discussion"], HEAD)
    instance.complete("collective_discussion", {"discussed_on": "2026-11-02", "participants": ["甲", "乙", "丙"],
                                                "minutes": "集体讨论同意"})
    assert instance.ready() == ["record_decision"]


def test_a_revised_opinion_also_goes_through_the_required_discussion(runtime):
    instance = in_coordination(runtime, collective_discussion_after_review=True)
    instance.complete("record_coordination", {"outcome": "revise_to_approve", "minutes": "协调一致",
                                              "revision_reasons": "裁量说明充分"})
    assert instance.ready() == ["collective_discussion"]
