"""AI pipeline: provider router, regions, BYOK, features (issue 5)."""
