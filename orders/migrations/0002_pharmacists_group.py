from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Pharmacists"
# Pharmacists review prescriptions and orders, and read what they need for it in the admin.
PERMISSIONS = [
    ("orders", "review_prescription"),
    ("orders", "view_prescription"),
    ("orders", "view_prescriptionitem"),
    ("orders", "view_order"),
    ("orders", "view_orderline"),
    ("orders", "view_orderevent"),
    ("catalog", "view_product"),
    ("catalog", "view_pack"),
    ("catalog", "view_leafletrevision"),
]


def create_pharmacists_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure ours exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_pharmacists_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
        ("catalog", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_pharmacists_group, remove_pharmacists_group)]
