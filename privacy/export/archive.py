"""The ZIP handed to the shopper: export.json, export.html and the prescription scans under prescriptions/."""

import io
import zipfile

from .collect import SubjectData
from .render_html import render_html
from .render_json import render_json

README = """This archive holds the personal data {pharmacy_name} keeps about your account.

export.html     the same, to read in a web browser
export.json     everything, machine-readable (its JSON Schema is published in the shop's documentation)
prescriptions/  the prescriptions you uploaded, as you uploaded them
"""


def build_archive(subject: SubjectData, *, pharmacy_name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(pharmacy_name=pharmacy_name))
        archive.writestr("export.json", render_json(subject.data))
        archive.writestr("export.html", render_html(subject.data))
        for name, content in sorted(subject.files.items()):
            archive.writestr(name, content)
    return buffer.getvalue()
