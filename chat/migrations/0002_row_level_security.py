from django.db import migrations

from tenants.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("chat", "0001_initial")]

    operations = [
        EnableRowLevelSecurity("visitor"),
        EnableRowLevelSecurity("conversation"),
        EnableRowLevelSecurity("message"),
        EnableRowLevelSecurity("conversationread"),
        EnableRowLevelSecurity("brandidentitysecret"),
    ]
