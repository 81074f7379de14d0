"""Casework: what a user sees and does on a case across packages, above cases, tasks, staffing and deadlines.

The cases API (a case with its open tasks, deadlines and decision; the case list with current steps and due
dates), the tasks API and the inbox (eligible reviewers only, ordered and filtered by due date). The packages
below know nothing of each other's HTTP answers; this one combines them.
"""
