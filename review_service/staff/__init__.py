"""Staff: enforcement officers, legal reviewers and the pooled legal advisors/public lawyers of agencies."""
