"""Due jobs: work that must happen at a time (deadline reminders and overdue flags), run by the worker process."""
