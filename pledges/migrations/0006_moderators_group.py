"""The Moderators group: review submitted pledges and assign city staff in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATORS = "Moderators"
PERMISSIONS = [
    ("pledges", "moderate_pledge"),
    ("pledges", "view_pledge"),
    ("pledges", "view_progressreport"),
    ("pledges", "view_pledgetransition"),
    ("pledges", "view_citystaff"),
    ("pledges", "add_citystaff"),
    ("pledges", "change_citystaff"),
    ("pledges", "delete_citystaff"),
    ("accounts", "view_user"),
    ("networks", "view_city"),
]


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations ran; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=MODERATORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0005_moderation"),
        ("accounts", "0002_apitoken"),
        ("networks", "0003_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
