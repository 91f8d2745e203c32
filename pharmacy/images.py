"""Refuse images whose header claims more pixels than Pillow will decode safely (a decompression bomb).

A small PNG can claim 100,000 x 100,000 pixels; decoding or thumbnailing it would take gigabytes. Pillow
warns above Image.MAX_IMAGE_PIXELS and raises above twice that; both are refused here, with a message that
says so, so callers answer 400 instead of crashing with a 500.
"""

import io
import warnings

from django import forms
from django.core.exceptions import ValidationError
from PIL import Image

from .exceptions import DomainError


class ImageTooLarge(DomainError):
    code = "image_too_large"
    http_status = 400  # a decompression bomb: refused input, not a business rule


def check_image_dimensions(data: bytes, *, field: str = "file") -> None:
    """Raise ImageTooLarge if the image's header claims more pixels than Image.MAX_IMAGE_PIXELS.
    Data that is not an image is left to the caller's own checks."""
    limit = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooLarge(
            f"The image is too large to process: its dimensions exceed the limit of {limit:,} pixels.",
            field=field,
        ) from None
    except (OSError, SyntaxError, ValueError):
        return
    if limit and width * height > limit:
        raise ImageTooLarge(
            f"The image is {width:,} x {height:,} pixels; the limit is {limit:,} pixels.", field=field,
        )


class SafeImageField(forms.ImageField):
    """forms.ImageField that names a decompression bomb as such, instead of "not a valid image"."""

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "read"):
            position = data.tell() if hasattr(data, "tell") else 0
            try:
                check_image_dimensions(data.read(), field=self.label)
            except ImageTooLarge as refusal:
                raise ValidationError(refusal.message, code=refusal.code) from None
            finally:
                data.seek(position)
        return super().to_python(data)
