"""Admin for leaflet revisions: drafts are edited, a published revision is shown read-only."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from pharmacy.exceptions import DomainError

from ..models import LEAFLET_SECTION_ORDER, LeafletRevision, LeafletSection, LeafletSectionKey
from ..services import create_leaflet_draft, publish_leaflet_revision
from .mixins import BumpsCatalogVersion


class LeafletStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("published", "Published")]

    def queryset(self, request, queryset):
        if self.value() == "draft":
            return queryset.filter(published_at__isnull=True)
        if self.value() == "published":
            return queryset.filter(published_at__isnull=False)
        return queryset


def _is_published(revision) -> bool:
    return revision is not None and revision.pk is not None and revision.is_published


class LeafletSectionInline(admin.StackedInline):
    model = LeafletSection
    fields = ("key", "heading", "body")
    extra = 0

    def get_extra(self, request, obj=None, **kwargs):
        return len(LeafletSectionKey.values) if obj is None else 0  # a new draft offers all six sections

    def has_add_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_delete_permission(request, obj)


@admin.register(LeafletRevision)
class LeafletRevisionAdmin(BumpsCatalogVersion, admin.ModelAdmin):
    list_display = ("product", "number", "revised_on", "is_published", "published_at")
    list_select_related = ("product",)
    list_filter = (LeafletStatusFilter,)
    search_fields = ("product__name",)
    ordering = ("product__name", "-number")
    autocomplete_fields = ("product",)
    inlines = [LeafletSectionInline]
    actions = ["publish", "draft_from"]

    def get_fields(self, request, obj=None):
        if obj is None:  # the number is the service's to give
            return ("product", "revised_on")
        return ("product", "number", "revised_on", "published_at", "created_by", "created_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.is_published:
            return self.get_fields(request, obj)
        return ("product", "number", "published_at", "created_by", "created_at")

    def has_change_permission(self, request, obj=None):
        # A published revision is viewable, never editable; the model refuses it too.
        return not _is_published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # The bulk delete runs a queryset delete that would bypass the published-revision guard.
        actions.pop("delete_selected", None)
        return actions

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if obj.pk is None and isinstance(inline, LeafletSectionInline):
            kwargs["initial"] = [
                {"key": key, "heading": f"{index}. {label}"}
                for index, (key, label) in enumerate(LeafletSectionKey.choices, start=1)
            ]
        return kwargs

    @admin.display(boolean=True, description="Published")
    def is_published(self, revision):
        return revision.is_published

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        draft = create_leaflet_draft(product=obj.product, revised_on=obj.revised_on, user=request.user)
        # The admin saves the inline sections against `obj`, so it becomes the draft the service made.
        obj.pk, obj.number = draft.pk, draft.number
        obj.created_by, obj.created_at = draft.created_by, draft.created_at
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        sections = formset.save(commit=False)
        for section in formset.deleted_objects:
            section.delete()
        for section in sections:
            section.position = LEAFLET_SECTION_ORDER[section.key]  # sections always print in the QRD order
            section.save()

    @admin.action(description="Publish the selected drafts", permissions=["change"])
    def publish(self, request, queryset):
        published = 0
        for revision in queryset.select_related("product").order_by("pk"):
            try:
                publish_leaflet_revision(revision=revision)
            except DomainError as refusal:
                refused = f"{revision.product}, revision {revision.number}: {refusal.message}"
                self.message_user(request, refused, messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(request, f"Published {published} revision(s).", messages.SUCCESS)

    @admin.action(description="Draft a new revision from this one", permissions=["add"])
    def draft_from(self, request, queryset):
        for revision in queryset.select_related("product").order_by("pk"):
            draft = create_leaflet_draft(
                product=revision.product, revised_on=timezone.localdate(), based_on=revision, user=request.user
            )
            url = reverse("admin:catalog_leafletrevision_change", args=[draft.pk])
            self.message_user(
                request,
                format_html(
                    'Drafted <a href="{}">revision {} of {}</a> from revision {}; edit it, then publish it.',
                    url,
                    draft.number,
                    revision.product,
                    revision.number,
                ),
                messages.SUCCESS,
            )
