"""Account management (账号管理): create, roles, one-time passwords, deactivation, the change log."""
