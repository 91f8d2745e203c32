"""Patient information leaflets: revisions that freeze once published, and their sections."""

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q

from ..exceptions import LeafletRevisionPublished
from .products import Product


class LeafletSectionKey(models.TextChoices):
    """The six headings of the EU package leaflet (QRD template), in order; stable keys map US labels too."""

    WHAT_IT_IS = "what_it_is", "What it is and what it is used for"
    BEFORE_YOU_TAKE = "before_you_take", "What you need to know before you take it"
    HOW_TO_TAKE = "how_to_take", "How to take it"
    SIDE_EFFECTS = "side_effects", "Possible side effects"
    STORAGE = "storage", "How to store it"
    CONTENTS = "contents", "Contents of the pack and other information"


LEAFLET_SECTION_ORDER = {key: index for index, key in enumerate(LeafletSectionKey.values)}


class LeafletRevisionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def with_sections(self):
        return self.prefetch_related(Prefetch("sections", queryset=LeafletSection.objects.order_by("position")))


class LeafletRevision(models.Model):
    """One version of a product's patient information leaflet.

    Drafts are edited freely; publishing freezes a revision for good (see catalog.services), because
    order lines point at the exact revision a shopper received.
    """

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="leaflet_revisions")
    number = models.PositiveIntegerField()
    revised_on = models.DateField(help_text="'This leaflet was last revised in' date printed on the leaflet.")
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LeafletRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["product", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="leaflet_revision_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="leaflet_revision_number_positive"),
        ]

    def __str__(self) -> str:
        state = "published" if self.is_published else "draft"
        return f"{self.product} leaflet, revision {self.number} ({state})"

    def save(self, *args, **kwargs):
        self.refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.refuse_if_published()
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def refuse_if_published(self) -> None:
        """Published revisions are immutable whoever asks: admin, import, shell. Publishing itself uses
        an UPDATE of published_at (catalog.services), which does not come through here."""
        if self.pk and LeafletRevision.objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise LeafletRevisionPublished(
                f"Revision {self.number} of {self.product} is published and cannot change; "
                "draft a new revision instead."
            )


class LeafletSection(models.Model):
    revision = models.ForeignKey(LeafletRevision, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=30, choices=LeafletSectionKey.choices)
    heading = models.CharField(max_length=200, help_text="Heading as printed, e.g. '1. What Baclofen is ...'")
    body = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["revision", "key"], name="leaflet_section_key_unique")]

    def __str__(self) -> str:
        return self.heading

    def save(self, *args, **kwargs):
        self.revision.refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.revision.refuse_if_published()
        return super().delete(*args, **kwargs)
