"""Agencies: the tenants every case, user and process version belongs to."""
