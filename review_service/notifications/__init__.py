"""In-app notifications (站内通知): reminders, overdue alerts and staffing warnings for a user."""
