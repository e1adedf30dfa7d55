"""A workspace's redaction policy. Required types are always redacted; see redaction/types.py."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models

from tenants.models import TenantModel


class RedactionSettings(TenantModel):
    disabled_types = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    #: [{"name": "account number", "pattern": "ACC-\\d{6}"}]
    deny_patterns = models.JSONField(default=list, blank=True)
    allow_terms = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="redaction_settings_one_per_ws"),
        ]

    def __str__(self) -> str:
        return f"redaction settings of workspace {self.workspace_id}"
