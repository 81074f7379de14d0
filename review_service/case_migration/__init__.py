"""Moving running cases onto another process version: above processes, cases and tasks, which it combines."""
