"""Due jobs: work that must happen at a time (timers, reminders, deadlines), run by the worker process."""
