"""The review catalog (目录清单): which decisions must pass legal review, and why."""
