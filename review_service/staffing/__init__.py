"""Staffing: who works as what at each agency and who may review a case.

Staff records (执法人员, 法制审核人员, pooled 法律顾问/公职律师; records.py, records_api.py), the 5% reviewer
rule (rule.py, report.py), reviewer eligibility (eligibility.py) with its independence rules, four-eyes and
回避 (independence.py), and the assignment of review tasks (assignment.py, service.py).
"""
