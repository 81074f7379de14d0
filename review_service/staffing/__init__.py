"""Staffing: who works as what at each agency and who may review a case.

Staff records (执法人员, 法制审核人员, pooled 法律顾问/公职律师; records.py, records_api.py), the 5% reviewer
rule (rule.py, report.py), reviewer eligibility (eligibility.py) with its independence rules, four-eyes and
回避 (independence.py), and the assignment of review tasks (assignment.py, service.py).
"""
from flask import Flask


def init_app(app: Flask) -> None:
    """Hand tasks (below staffing) the reviewer rules: eligibility to work a review task, and who gets a new one."""
    from ..tasks.hooks import register_reviewer_rules
    from .assignment import assign_review_task
    from .eligibility import check_reviewer_eligible

    register_reviewer_rules(check_eligible=check_reviewer_eligible, assign=assign_review_task)
