from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files that must never have a public URL (prescriptions). Served only by views that check who asks."""

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")
