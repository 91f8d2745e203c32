"""The catalog's models, one module per concern; every name is importable from `catalog.models`."""

from .consultations import (
    AnswerType,
    ConsultationQuestion,
    ConsultationQuestionnaire,
)
from .leaflets import (
    LEAFLET_SECTION_ORDER,
    LeafletRevision,
    LeafletRevisionQuerySet,
    LeafletSection,
    LeafletSectionKey,
)
from .packs import (
    Pack,
    PackQuerySet,
    Strength,
    pack_display_name,
    strength_label,
)
from .products import (
    Category,
    ControlledDrugSchedule,
    DosageForm,
    Ingredient,
    LegalCategory,
    Product,
    ProductQuerySet,
    ProductSearchDocument,
    ProductSynonym,
    Route,
    StrengthUnit,
    VatRate,
)
from .records import (
    ClinicalCoverageReview,
    ImportOutcome,
    ImportRun,
    ProductReclassification,
)
from .stock import (
    LEGACY_BATCH_EXPIRY,
    LEGACY_BATCH_NUMBER,
    StockBatch,
    StockBatchQuerySet,
    available_quantity_expression,
    sellable_on_hand_expression,
    usable_expiry_after,
)

__all__ = [
    "LegalCategory",
    "VatRate",
    "ControlledDrugSchedule",
    "DosageForm",
    "Route",
    "StrengthUnit",
    "Category",
    "Ingredient",
    "ProductQuerySet",
    "Product",
    "ProductSynonym",
    "ProductSearchDocument",
    "LEGACY_BATCH_NUMBER",
    "LEGACY_BATCH_EXPIRY",
    "usable_expiry_after",
    "StockBatchQuerySet",
    "sellable_on_hand_expression",
    "available_quantity_expression",
    "StockBatch",
    "PackQuerySet",
    "Pack",
    "Strength",
    "pack_display_name",
    "strength_label",
    "LeafletSectionKey",
    "LEAFLET_SECTION_ORDER",
    "LeafletRevisionQuerySet",
    "LeafletRevision",
    "LeafletSection",
    "AnswerType",
    "ConsultationQuestionnaire",
    "ConsultationQuestion",
    "ProductReclassification",
    "ImportOutcome",
    "ImportRun",
    "ClinicalCoverageReview",
]
