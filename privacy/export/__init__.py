"""The subject access export's builder: collect (what we hold, from the account outwards), render_json,
render_html and archive (the ZIP). privacy.services.export runs it and stores the result."""

from .archive import build_archive
from .collect import FORMAT, FORMAT_VERSION, SubjectData, collect_subject_data

__all__ = ["FORMAT", "FORMAT_VERSION", "SubjectData", "build_archive", "collect_subject_data"]
