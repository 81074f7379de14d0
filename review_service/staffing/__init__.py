"""Staffing: the 5% reviewer rule, reviewer eligibility (回避, four-eyes, Art. 58 ¶2) and assignment."""
