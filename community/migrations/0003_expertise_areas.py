"""Write one ExpertiseArea row per code of community.models.Expertise (the member directory filters on them)."""

from django.db import migrations

CODES = [
    "asset_declarations",
    "political_finance",
    "public_procurement",
    "law_making",
    "open_data",
    "data_analysis",
    "investigative_journalism",
    "law",
    "oversight",
    "elections",
]


def add_areas(apps, schema_editor):
    ExpertiseArea = apps.get_model("community", "ExpertiseArea")
    for code in CODES:
        ExpertiseArea.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("community", "0002_communities_workspaces")]

    operations = [migrations.RunPython(add_areas, migrations.RunPython.noop)]
