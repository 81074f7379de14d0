"""监督看板: the supervisor's figures (deadlines, cases per stage, working days per stage, staffing)."""
