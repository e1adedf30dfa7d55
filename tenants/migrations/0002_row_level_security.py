from django.db import migrations

from tenants.rls import OWN_MEMBERSHIPS, EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [
        EnableRowLevelSecurity("brand"),
        EnableRowLevelSecurity("membership", extra_read_policy=OWN_MEMBERSHIPS),
    ]
