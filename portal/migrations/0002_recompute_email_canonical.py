"""Recompute ``User.email_canonical`` after the canonical key learnt to decode punycode domains.

Uses the current :func:`portal.accounts.canonical.canonical_email` on purpose: the key is only meaningful as the
function computes it today. Raises ``IntegrityError`` (and rolls back) if two existing accounts now share a key;
an operator must then merge or rename one of them.
"""

from django.db import migrations


def recompute(apps, schema_editor):
    from portal.accounts.canonical import canonical_email

    User = apps.get_model("portal", "User")
    for user in User.objects.only("pk", "email", "email_canonical").iterator():
        key = canonical_email(user.email)
        if key != user.email_canonical:
            User.objects.filter(pk=user.pk).update(email_canonical=key)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
