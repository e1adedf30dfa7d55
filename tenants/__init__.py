"""Tenancy: workspaces, brands, memberships, fail-closed scoping and row-level security."""
