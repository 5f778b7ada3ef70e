"""Menu items become translatable with their menu (TranslatableMixin): locale and translation_key.

Existing items get their menu's locale. An item of a translated menu shares the translation_key of the English
item in the same position (the copies wagtail-localize made of the source menu), so translating the menu again
updates those rows instead of adding new ones; every other item gets a new key.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def populate(apps, schema_editor):
    MainMenu = apps.get_model("cms", "MainMenu")
    MenuItem = apps.get_model("cms", "MenuItem")
    groups = {}
    for menu in MainMenu.objects.select_related("locale").order_by("pk"):
        groups.setdefault(menu.translation_key, []).append(menu)
    for menus in groups.values():
        # The source is the menu in the default language (else the oldest one); the others are its translations.
        menus.sort(key=lambda menu: (menu.locale.language_code != settings.LANGUAGE_CODE, menu.pk))
        source_keys = []
        for index, menu in enumerate(menus):
            items = MenuItem.objects.filter(menu=menu).order_by("sort_order", "pk")
            for position, item in enumerate(items):
                if index == 0:
                    item.translation_key = uuid.uuid4()
                    source_keys.append(item.translation_key)
                else:
                    item.translation_key = source_keys[position] if position < len(source_keys) else uuid.uuid4()
                item.locale_id = menu.locale_id
                item.save(update_fields=["translation_key", "locale"])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="menuitem",
            name="locale",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AddField(
            model_name="menuitem",
            name="translation_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(populate, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="menuitem",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterField(
            model_name="menuitem",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterUniqueTogether(
            name="menuitem",
            unique_together={("translation_key", "locale")},
        ),
    ]
