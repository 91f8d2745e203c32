"""The pharmacy's own rules: who it is, what it sells online, prescriptions, stock, review deadlines, clinical
checks, VAT, search and the catalog cache."""

from .environment import env

# --- The pharmacy itself -----------------------------------------------------------------------------
PHARMACY_NAME = env.str("PHARMACY_NAME", default="Demo Online Pharmacy")
PHARMACY_REGISTRATION = env.str("PHARMACY_REGISTRATION", default="GPhC registration 9011234 (demo)")
PHARMACY_SUPERINTENDENT = env.str("PHARMACY_SUPERINTENDENT", default="Superintendent pharmacist: A. Demo")
PHARMACY_ADDRESS = env.str("PHARMACY_ADDRESS", default="1 Example Street, London, EC1A 1AA")
PHARMACY_CONTACT_EMAIL = env.str("PHARMACY_CONTACT_EMAIL", default="help@pharmacy.invalid")
PHARMACY_CONTACT_PHONE = env.str("PHARMACY_CONTACT_PHONE", default="020 7946 0000")
PHARMACY_CURRENCY = env.str("PHARMACY_CURRENCY", default="GBP")
# Controlled drugs of these schedules are not sold online unless the pharmacy chooses to.
ALLOW_CONTROLLED_DRUGS_ONLINE = env.bool("ALLOW_CONTROLLED_DRUGS_ONLINE", default=False)
# Schedule 5 (CD Inv.) items such as co-codamol are ordinary P/POM sales in UK practice.
CONTROLLED_DRUG_SCHEDULES_BLOCKED_ONLINE = env.list(
    "CONTROLLED_DRUG_SCHEDULES_BLOCKED_ONLINE", cast=int, default=[1, 2, 3, 4]
)
PRESCRIPTION_MAX_UPLOAD_BYTES = env.int("PRESCRIPTION_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
PRESCRIPTION_VALIDITY_DAYS = env.int("PRESCRIPTION_VALIDITY_DAYS", default=183)  # UK: six months
CONTROLLED_PRESCRIPTION_VALIDITY_DAYS = env.int("CONTROLLED_PRESCRIPTION_VALIDITY_DAYS", default=28)
# Repeatable private prescriptions (UK; prescriptions/services/repeats.py). Issues count every dispensing, the first
# included. Later issues follow the interval and end this many days after the date of issue (our choice).
REPEAT_PRESCRIPTION_DEFAULT_ISSUES = env.int("REPEAT_PRESCRIPTION_DEFAULT_ISSUES", default=2)
REPEAT_PRESCRIPTION_ORAL_CONTRACEPTIVE_ISSUES = env.int("REPEAT_PRESCRIPTION_ORAL_CONTRACEPTIVE_ISSUES", default=6)
ORAL_CONTRACEPTIVE_ATC_PREFIXES = env.list("ORAL_CONTRACEPTIVE_ATC_PREFIXES", default=["G03AA", "G03AB"])
REPEAT_PRESCRIPTION_UNREPEATABLE_SCHEDULES = env.list(
    "REPEAT_PRESCRIPTION_UNREPEATABLE_SCHEDULES", cast=int, default=[2, 3]
)
REPEAT_PRESCRIPTION_VALIDITY_DAYS = env.int("REPEAT_PRESCRIPTION_VALIDITY_DAYS", default=365)
GUEST_CART_MAX_AGE_DAYS = env.int("GUEST_CART_MAX_AGE_DAYS", default=30)

# --- Dispensing: original prescriptions, RP log, prescription register -----------------------------------
# Register entries are never deleted; the law's minimum before the retention clock (privacy/retention.yaml)
# may remove an entry's patient, which the database enforces at two years.
PRESCRIPTION_REGISTER_RETENTION_YEARS = env.int("PRESCRIPTION_REGISTER_RETENTION_YEARS", default=2)

# --- Stock batches and expiry -------------------------------------------------------------------------
# A batch is neither sold nor dispatched once it expires within this many days (FEFO picks the others).
STOCK_EXPIRY_MARGIN_DAYS = env.int("STOCK_EXPIRY_MARGIN_DAYS", default=30)
# --- Order review deadline (orders do not hold stock for ever) --------------------------------------
# Days an order waiting for a pharmacist keeps its stock; at its deadline beat cancels it.
ORDER_REVIEW_DEADLINE_DAYS = env.int("ORDER_REVIEW_DEADLINE_DAYS", default=14)
# Clinical checks: what we supplied a patient this many days back counts as "taking it now" for
# interactions; rules scoped to a jurisdiction (clinical/rules/*.yaml) apply only where it matches.
CLINICAL_HISTORY_DAYS = env.int("CLINICAL_HISTORY_DAYS", default=90)
CLINICAL_JURISDICTION = env.str("CLINICAL_JURISDICTION", default="GB")
# A general-sale-only order with a major or contraindicated alert waits for a pharmacist instead of being
# approved at once (the alert needs someone who can judge it).
CLINICAL_REVIEW_GSL_MAJOR_ALERTS = env.bool("CLINICAL_REVIEW_GSL_MAJOR_ALERTS", default=True)
ORDER_EXPIRY_CHECK_SECONDS = env.int("ORDER_EXPIRY_CHECK_SECONDS", default=900)
# An approved order the release gate refuses for a lasting reason (a recalled batch, an expired
# prescription) waits this long in the staff's "cannot supply" queue before it is cancelled and refunded.
CANNOT_SUPPLY_DEADLINE_DAYS = env.int("CANNOT_SUPPLY_DEADLINE_DAYS", default=3)
# --- VAT (orders/services/vat.py) --------------------------------------------------------------------------
# Prices include VAT. Products name a rate (Product.vat_rate); the rates are here, as decimal strings.
VAT_RATES = {
    "standard": env.str("VAT_RATE_STANDARD", default="0.20"),
    "reduced": env.str("VAT_RATE_REDUCED", default="0.05"),
    "zero": "0",
}
# Printed on receipts (a VAT receipt names the seller's VAT registration number); blank: not printed.
PHARMACY_VAT_NUMBER = env.str("PHARMACY_VAT_NUMBER", default="")
# --- Medicine search (catalog/search.py) ---------------------------------------------------------------
# Most names GET /api/v1/products/suggest/ and the header search box offer as the shopper types.
SEARCH_SUGGEST_LIMIT = env.int("SEARCH_SUGGEST_LIMIT", default=10)
# How close (0-1, difflib ratio) a catalog word must be to an unknown word to be offered as "Did you mean".
SEARCH_SUGGESTION_CUTOFF = env.float("SEARCH_SUGGESTION_CUTOFF", default=0.75)
# --- Catalog cache and conditional GET (catalog/cache.py) ---------------------------------------------
# What anonymous shoppers see (lists, product pages, leaflets, categories) is cached under a catalog
# version that every catalog write bumps; entries also expire after this many seconds (safety net).
CATALOG_CACHE_ENABLED = env.bool("CATALOG_CACHE_ENABLED", default=True)
CATALOG_CACHE_TIMEOUT = env.int("CATALOG_CACHE_TIMEOUT", default=60)
# The purchase-limit and warning-sign tables every checkout reads are cached under a version their
# admin bumps (safeguards/tables.py); entries also expire after this many seconds (safety net).
SAFEGUARDS_CACHE_ENABLED = env.bool("SAFEGUARDS_CACHE_ENABLED", default=True)
SAFEGUARDS_CACHE_TIMEOUT = env.int("SAFEGUARDS_CACHE_TIMEOUT", default=300)
