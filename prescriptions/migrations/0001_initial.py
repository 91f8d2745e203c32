"""Prescriptions move from orders (Prescription, PrescriptionItem, PrescriptionIssue) and the prescription
file access log from patients (PrescriptionFileAccess) to this app. Their tables keep their names: this
migration changes the migration state only (orders 0022 and patients 0004 delete the old state), and
re-labels their content types, so the permissions on them (the Pharmacists group's review_prescription)
and the admin history that points at them follow the models."""

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

import prescriptions.models

MOVED = {"orders": ("prescription", "prescriptionitem", "prescriptionissue"),
         "patients": ("prescriptionfileaccess",)}


def relabel(*, back: bool):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for old_label, models_moved in MOVED.items():
            from_label, to_label = ("prescriptions", old_label) if back else (old_label, "prescriptions")
            for model in models_moved:
                if ContentType.objects.filter(app_label=to_label, model=model).exists():
                    continue  # already there (created after this model moved): nothing to carry over
                ContentType.objects.filter(app_label=from_label, model=model).update(app_label=to_label)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("catalog", "0012_clinical_coverage_review"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("orders", "0021_outbox_moves_to_notifications"),
        ("patients", "0003_staff_views_of_order_health_details"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
                migrations.CreateModel(
                    name='Prescription',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(max_length=200, storage=prescriptions.models._private_storage, upload_to=prescriptions.models.prescription_upload_path)),
                        ('original_filename', models.CharField(max_length=255)),
                        ('content_type', models.CharField(max_length=50)),
                        ('size_bytes', models.PositiveIntegerField()),
                        ('sha256', models.CharField(max_length=64)),
                        ('status', models.CharField(choices=[('submitted', 'Submitted, awaiting a pharmacist'), ('approved', 'Approved'), ('rejected', 'Rejected')], default='submitted', max_length=20)),
                        ('uploaded_at', models.DateTimeField(auto_now_add=True)),
                        ('prescriber_name', models.CharField(blank=True, max_length=200)),
                        ('prescriber_registration', models.CharField(blank=True, help_text='e.g. GMC number (7 digits) or GPhC/NMC number', max_length=50)),
                        ('issued_on', models.DateField(blank=True, null=True)),
                        ('valid_until', models.DateField(blank=True, null=True)),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                        ('rejection_reason', models.TextField(blank=True, help_text="Staff only: the pharmacist's note.")),
                        ('refusal_code', models.CharField(blank=True, choices=[('speak_to_prescriber', 'We need to speak to your prescriber before we can supply this.'), ('not_suitable', 'This medicine is not suitable for you; please see your GP.'), ('see_gp', 'Please see your GP or another prescriber about this; we cannot supply it online.'), ('prescription_unreadable', 'We could not read your prescription; please send a clearer copy.'), ('prescription_not_valid', 'Your prescription is not valid for this order; please ask your prescriber for another.'), ('quantity_too_large', 'We cannot supply this quantity online.'), ('contact_us', 'We could not supply this; please contact us for details.')], help_text='What the shopper is told when it is rejected (empty: "contact us").', max_length=40)),
                        ('prescriber_address', models.CharField(blank=True, max_length=300)),
                        ('patient_name', models.CharField(blank=True, max_length=200)),
                        ('patient_date_of_birth', models.DateField(blank=True, null=True)),
                        ('source', models.CharField(choices=[('upload', 'Uploaded copy (not the legal original)'), ('paper', 'Paper original, received by post'), ('electronic', 'Electronic prescription, retrieved and verified (advanced electronic signature)')], default='upload', max_length=20)),
                        ('original_received_at', models.DateTimeField(blank=True, null=True)),
                        ('original_matches', models.BooleanField(blank=True, help_text='Did the original match what was approved? Empty until checked.', null=True)),
                        ('original_checked_note', models.TextField(blank=True)),
                        ('electronic_prescription_id', models.CharField(blank=True, help_text="The prescribing service's identifier of the electronic prescription that was verified.", max_length=40, verbose_name='electronic prescription ID')),
                        ('repeatable', models.BooleanField(default=False)),
                        ('issues_authorised', models.PositiveSmallIntegerField(blank=True, help_text='How many times it may be dispensed in all, the first included. Empty on a repeatable prescription: the UK default (twice; oral contraceptives six times).', null=True)),
                        ('repeat_interval_days', models.PositiveSmallIntegerField(blank=True, help_text='The fewest days between one issue and the next.', null=True)),
                        ('original_received_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='prescriptions', to=settings.AUTH_USER_MODEL)),
                        ('patient_record', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='prescriptions', to='patients.patient')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'orders_prescription',
                        'ordering': ['-uploaded_at', '-pk'],
                        'permissions': [('review_prescription', 'Can approve or reject prescriptions and orders that need one')],
                    },
                ),
                migrations.CreateModel(
                    name='PrescriptionFileAccess',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('prescription_reference', models.PositiveBigIntegerField(help_text="The prescription's id, kept when it is removed.")),
                        ('channel', models.CharField(choices=[('admin', 'Admin: the prescription viewer'), ('api', 'API: the prescription file download'), ('storefront', 'Storefront: the prescription file link')], max_length=20)),
                        ('served', models.BooleanField(help_text='False: refused (not a pharmacist, or no second factor).')),
                        ('accessed_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('prescription', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='prescriptions.prescription')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'prescription file access',
                        'verbose_name_plural': 'prescription file accesses',
                        'db_table': 'patients_prescriptionfileaccess',
                        'ordering': ['-accessed_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='PrescriptionIssue',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField()),
                        ('issued_at', models.DateTimeField(help_text='When the order was placed: the interval runs from here.')),
                        ('order', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='prescription_issue', to='orders.order')),
                        ('prescription', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='issues', to='prescriptions.prescription')),
                    ],
                    options={
                        'db_table': 'orders_prescriptionissue',
                        'ordering': ['issued_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='PrescriptionItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('quantity', models.PositiveIntegerField()),
                        ('directions', models.CharField(blank=True, max_length=300)),
                        ('dose', models.DecimalField(blank=True, decimal_places=3, max_digits=10, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.001'))])),
                        ('dose_unit', models.CharField(blank=True, choices=[('mg', 'mg'), ('g', 'g'), ('microgram', 'microgram'), ('mL', 'mL'), ('tablet', 'tablet(s)'), ('capsule', 'capsule(s)')], max_length=10)),
                        ('times_per_day', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1)])),
                        ('as_directed', models.BooleanField(default=False, help_text='The prescription says only "as directed".')),
                        ('pack', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.pack')),
                        ('prescription', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='prescriptions.prescription')),
                    ],
                    options={
                        'db_table': 'orders_prescriptionitem',
                    },
                ),
                migrations.AddConstraint(
                    model_name='prescription',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'approved'), _negated=True), models.Q(('reviewed_by__isnull', False), ('issued_on__isnull', False), ('valid_until__isnull', False), models.Q(('prescriber_name', ''), _negated=True), models.Q(('prescriber_registration', ''), _negated=True)), _connector='OR'), name='prescription_approved_has_dispensing_record'),
                ),
                migrations.AddConstraint(
                    model_name='prescription',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'rejected'), _negated=True), models.Q(('reviewed_by__isnull', False), models.Q(('rejection_reason', ''), _negated=True)), _connector='OR'), name='prescription_rejected_has_reason'),
                ),
                migrations.AddConstraint(
                    model_name='prescription',
                    constraint=models.CheckConstraint(condition=models.Q(('repeatable', True), models.Q(('issues_authorised__isnull', True), ('repeat_interval_days__isnull', True)), _connector='OR'), name='prescription_repeat_terms_only_when_repeatable'),
                ),
                migrations.AddConstraint(
                    model_name='prescription',
                    constraint=models.CheckConstraint(condition=models.Q(('repeatable', False), ('repeat_interval_days__gte', 1), _connector='OR'), name='prescription_repeatable_has_interval'),
                ),
                migrations.AddConstraint(
                    model_name='prescription',
                    constraint=models.CheckConstraint(condition=models.Q(('issues_authorised__isnull', True), ('issues_authorised__gte', 2), _connector='OR'), name='prescription_issues_authorised_at_least_two'),
                ),
                migrations.AddConstraint(
                    model_name='prescription',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('source', 'electronic'), _negated=True), models.Q(models.Q(('electronic_prescription_id', ''), _negated=True), ('original_received_by__isnull', False), ('original_received_at__isnull', False)), _connector='OR'), name='prescription_electronic_has_identifier_and_checker'),
                ),
                migrations.AddConstraint(
                    model_name='prescription',
                    constraint=models.UniqueConstraint(condition=models.Q(('electronic_prescription_id', ''), _negated=True), fields=('electronic_prescription_id',), name='prescription_electronic_id_unique'),
                ),
                migrations.AddConstraint(
                    model_name='prescriptionissue',
                    constraint=models.CheckConstraint(condition=models.Q(('number__gte', 1)), name='prescription_issue_number_positive'),
                ),
                migrations.AddConstraint(
                    model_name='prescriptionitem',
                    constraint=models.CheckConstraint(condition=models.Q(('quantity__gt', 0)), name='prescription_item_quantity_positive'),
                ),
        ]),
        migrations.RunPython(relabel(back=False), relabel(back=True)),
    ]
