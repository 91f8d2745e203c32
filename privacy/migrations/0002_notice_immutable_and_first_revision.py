"""A published privacy notice revision never changes, even through a queryset update() or raw SQL (as the
leaflets: the models refuse it in save()/delete(); on PostgreSQL a trigger makes it a fact of the
database; publishing, published_at going from NULL to a time, is the one change allowed). And the first
revision, published, so that consent can be asked from the first day; the shop drafts its own in the admin.
"""

import datetime

from django.db import migrations
from django.utils import timezone

CREATE = """
CREATE FUNCTION privacy_refuse_published_notice_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.published_at IS NULL THEN
        RETURN NEW;  -- a draft may be edited, and published
    END IF;
    RAISE EXCEPTION 'privacy notice revision % is published and cannot change', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER privacy_published_notice_is_immutable
    BEFORE UPDATE OR DELETE ON privacy_privacynoticerevision
    FOR EACH ROW EXECUTE FUNCTION privacy_refuse_published_notice_change();
"""

DROP = """
DROP TRIGGER IF EXISTS privacy_published_notice_is_immutable ON privacy_privacynoticerevision;
DROP FUNCTION IF EXISTS privacy_refuse_published_notice_change();
"""

CONSENT_TEXT = (
    "I explicitly consent to the pharmacy using information about my health, and that of the people I order "
    "for, that my orders, health records and answers to the pharmacist's questions reveal, to check that "
    "medicines are safe and suitable and to supply them. I can withdraw this consent at any time in my account."
)

BODY = """## Who we are
We are the pharmacy that runs this shop. We are the controller of the personal data described here.

## What we hold about you
Your account (name, e-mail address), the addresses and phone number you give at checkout, your orders and \
payments, the prescriptions you upload, the health records you keep for yourself and the people you care \
for, and your answers to the pharmacist's questions.

## Health data and your explicit consent
What medicines a person orders is information about their health, even for medicines sold without a \
prescription. We use it only with your explicit consent, which you give with an unticked box before your \
first order that needs it, and only to check that medicines are safe and suitable for you and to supply them. \
You can withdraw the consent in your account at any time; we then take no new order that needs it.

## What the law makes us keep
Some records must be kept even after you close your account or withdraw your consent: the prescription \
register for two years from the supply, orders and invoices for six years for tax. We keep them restricted \
and delete or anonymise them when that period ends. The retention table on this page lists every kind of \
record, how long we keep it and why.

## Your rights
You may ask for a copy of your data (your account offers an export), ask us to correct it, and ask us to \
erase it where the law does not require us to keep it. You may complain to the Information Commissioner's \
Office (ico.org.uk)."""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


def first_revision(apps, schema_editor):
    Revision = apps.get_model("privacy", "PrivacyNoticeRevision")
    if not Revision.objects.exists():
        Revision.objects.create(number=1, effective_on=datetime.date(2026, 12, 7), body=BODY,
                                consent_text=CONSENT_TEXT, published_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(first_revision, migrations.RunPython.noop),
    ]
