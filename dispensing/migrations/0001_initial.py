"""Pharmacist profiles, the responsible-pharmacist log and the prescription register; the Superintendent
pharmacists group (with catalog.reclassify_product); and, on PostgreSQL, a trigger that makes register
entries immutable (no UPDATE or DELETE, whatever the client: queryset update(), raw SQL). PostgreSQL's
test flush truncates, which row triggers do not see.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REGISTER_TRIGGER = """
CREATE FUNCTION dispensing_refuse_register_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'prescription register entry % cannot be changed or deleted', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER dispensing_register_is_immutable
    BEFORE UPDATE OR DELETE ON dispensing_registerentry
    FOR EACH ROW EXECUTE FUNCTION dispensing_refuse_register_change();
"""

DROP_REGISTER_TRIGGER = """
DROP TRIGGER IF EXISTS dispensing_register_is_immutable ON dispensing_registerentry;
DROP FUNCTION IF EXISTS dispensing_refuse_register_change();
"""

SUPERINTENDENTS = "Superintendent pharmacists"
SUPERINTENDENT_PERMISSIONS = [
    ("catalog", "reclassify_product"),
    ("catalog", "view_product"),
    ("catalog", "view_productreclassification"),
    ("dispensing", "view_registerentry"),
    ("dispensing", "view_responsiblepharmacistlog"),
    ("dispensing", "view_pharmacistprofile"),
]
PHARMACIST_EXTRA_PERMISSIONS = [
    ("dispensing", "view_registerentry"),
    ("dispensing", "view_responsiblepharmacistlog"),
    ("catalog", "view_productreclassification"),
]


def create_register_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REGISTER_TRIGGER, params=None)


def drop_register_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_REGISTER_TRIGGER, params=None)


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    superintendents, _ = Group.objects.get_or_create(name=SUPERINTENDENTS)
    for app_label, codename in SUPERINTENDENT_PERMISSIONS:
        superintendents.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    pharmacists, _ = Group.objects.get_or_create(name="Pharmacists")
    for app_label, codename in PHARMACIST_EXTRA_PERMISSIONS:
        pharmacists.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=SUPERINTENDENTS).delete()


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('orders', '0009_prescription_original_and_approver_registration'),
        ('catalog', '0006_product_reclassification_audit'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PharmacistProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('registration_number', models.CharField(max_length=7, unique=True, validators=[django.core.validators.RegexValidator('^\\d{7}$', 'Enter the 7-digit GPhC registration number (e.g. 2071234).')], verbose_name='GPhC registration number')),
                ('is_superintendent', models.BooleanField(default=False, help_text='The superintendent pharmacist: also added to the Superintendent pharmacists group.')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='pharmacist_profile', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(('registration_number__regex', '^[0-9]{7}$')), name='pharmacist_registration_is_7_digits')],
            },
        ),
        migrations.CreateModel(
            name='RegisterEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('supplied_at', models.DateTimeField(help_text='The supply: when the order was dispatched.')),
                ('patient_name', models.CharField(max_length=200)),
                ('patient_address', models.CharField(max_length=500)),
                ('prescriber_name', models.CharField(max_length=200)),
                ('prescriber_registration', models.CharField(max_length=50)),
                ('prescriber_address', models.CharField(blank=True, max_length=300)),
                ('prescription_issued_on', models.DateField()),
                ('medicine', models.CharField(max_length=200)),
                ('strength', models.CharField(max_length=100)),
                ('dosage_form', models.CharField(max_length=50)),
                ('quantity', models.PositiveIntegerField(help_text='Dosage units supplied')),
                ('quantity_unit', models.CharField(max_length=20)),
                ('sku', models.CharField(max_length=40)),
                ('batch', models.CharField(blank=True, max_length=300)),
                ('pharmacist_registration', models.CharField(max_length=20)),
                ('dispatched_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('order', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orders.order')),
                ('order_line', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='register_entry', to='orders.orderline')),
                ('pharmacist', models.ForeignKey(help_text='The pharmacist who approved the supply.', on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('prescription', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orders.prescription')),
            ],
            options={
                'verbose_name': 'prescription register entry',
                'verbose_name_plural': 'prescription register',
                'ordering': ['-supplied_at', '-pk'],
                'indexes': [models.Index(fields=['supplied_at'], name='register_supplied_at')],
            },
        ),
        migrations.CreateModel(
            name='ResponsiblePharmacistLog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('registration_number', models.CharField(max_length=7)),
                ('signed_in_at', models.DateTimeField()),
                ('signed_out_at', models.DateTimeField(blank=True, null=True)),
                ('pharmacist', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'responsible pharmacist log entry',
                'verbose_name_plural': 'responsible pharmacist log',
                'ordering': ['-signed_in_at', '-pk'],
                'constraints': [models.UniqueConstraint(models.Value(True), condition=models.Q(('signed_out_at__isnull', True)), name='one_responsible_pharmacist_at_a_time'), models.CheckConstraint(condition=models.Q(('signed_out_at__isnull', True), ('signed_out_at__gte', models.F('signed_in_at')), _connector='OR'), name='rp_signed_out_after_signed_in')],
            },
        ),
        migrations.RunPython(create_groups, remove_groups),
        migrations.RunPython(create_register_trigger, drop_register_trigger),
    ]
