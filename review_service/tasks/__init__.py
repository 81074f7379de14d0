"""Tasks: the human steps of a case's process, as inbox rows."""
