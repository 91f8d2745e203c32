"""The log of every request for someone else's prescription file, served or refused: the same immutable
kind of log as the patients app's health record access log."""

from .models import FileAccessChannel, PrescriptionFileAccess


def log_prescription_file_access(*, user, prescription, channel: FileAccessChannel,
                                 served: bool) -> PrescriptionFileAccess:
    return PrescriptionFileAccess.objects.create(user=user, prescription=prescription,
                                                 prescription_reference=prescription.pk, channel=channel,
                                                 served=served)
