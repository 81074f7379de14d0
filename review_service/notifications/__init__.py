"""In-app notifications (站内通知): hand-offs, reminders, overdue alerts and staffing warnings for a user."""
