"""Attachments: uploaded files of case materials, checked for size and content."""
