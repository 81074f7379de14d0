"""Time limits (期限): the review deadline, extensions, post-decision deadlines, reminders and overdue flags."""
