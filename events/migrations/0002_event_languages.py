"""One EventLanguage row per EventLanguageCode (the choices offered on event pages)."""

from django.db import migrations

CODES = ["en", "sq", "bs", "mk", "sr", "tr"]


def add_languages(apps, schema_editor):
    EventLanguage = apps.get_model("events", "EventLanguage")
    for code in CODES:
        EventLanguage.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(add_languages, migrations.RunPython.noop)]
