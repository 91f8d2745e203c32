"""The demo catalog: one product per medicine and legal category, chosen so that every purchase rule has
something to act on (see /work/shared/DOMAIN.md, "A demo catalog that exercises every rule").

Data only; `python manage.py load_demo_catalog` writes it (catalog/demo_loader.py). GTINs use the GS1
restricted prefix 20-29, so they can never collide with a real pack's barcode.
"""

import zlib
from dataclasses import dataclass
from decimal import Decimal

from . import demo_leaflets as leaflets
from .identifiers import make_gtin13
from .models import DosageForm, LegalCategory, Route
from .services import SectionText


@dataclass(frozen=True)
class DemoCategory:
    name: str
    slug: str
    description: str


@dataclass(frozen=True)
class DemoStrength:
    """One active ingredient of a pack: `baclofen 10 mg`, or `baclofen 5 mg per 5 mL`."""

    ingredient: str
    amount: Decimal
    unit: str = "mg"
    per_amount: Decimal | None = None
    per_unit: str = ""


@dataclass(frozen=True)
class DemoPack:
    sku: str
    gtin: str
    pack_size: int
    price: Decimal
    stock: int  # only when the pack is first created; orders and stock takes change it afterwards
    strengths: tuple[DemoStrength, ...]
    pack_unit: str = "tablets"
    max_per_order: int | None = None

    def batches(self) -> tuple[tuple[str, int, int], ...]:
        """(batch number, days until expiry, units): packs with 40 or more units come in two batches, a
        third of them expiring in about four months and the rest in about twenty, so dispatch shows
        first-expiry-first-out. Expiry is relative to the day the demo is loaded."""
        lot = f"{zlib.crc32(self.sku.encode()) % 90000 + 10000}"
        if self.stock < 40:
            return ((f"{lot}A", 540, self.stock),)
        first = self.stock // 3
        return ((f"{lot}A", 120, first), (f"{lot}B", 600, self.stock - first))


@dataclass(frozen=True)
class DemoProduct:
    name: str
    slug: str
    description: str
    legal_category: str
    dosage_form: str
    atc_code: str
    categories: tuple[str, ...]  # category slugs
    packs: tuple[DemoPack, ...]
    leaflet: tuple[SectionText, ...]
    controlled_drug_schedule: int | None = None
    route: str = Route.ORAL
    minimum_age: int | None = None
    also_known_as: tuple[str, ...] = ()  # UK and US brand names and other names (INN/USAN), for search
    indications: str = ""  # what it is used for, as shoppers say it; searched for GSL and P medicines only


def demo_gtin(number: int) -> str:
    """EAN-13 in the restricted 20-29 range: '2099' + 8 digits + check digit."""
    return make_gtin13(f"2099{number:08d}")


def mg(ingredient: str, amount: str) -> tuple[DemoStrength, ...]:
    return (DemoStrength(ingredient, Decimal(amount)),)


CATEGORIES = (
    DemoCategory("Muscle and joint", "muscle-and-joint",
                 "Muscle relaxants and treatments for spasticity and spasm."),
    DemoCategory("Pain relief", "pain-relief", "Painkillers, from general sale tablets to controlled drugs."),
    DemoCategory("Allergy and hay fever", "allergy-and-hay-fever",
                 "Antihistamines for hay fever and allergies."),
    DemoCategory("Stomach and digestion", "stomach-and-digestion",
                 "Medicines for heartburn, reflux and indigestion."),
    DemoCategory("Infections", "infections", "Antibiotics, supplied only against a verified prescription."),
    DemoCategory("Heart and blood pressure", "heart-and-blood-pressure",
                 "Medicines for high blood pressure and angina."),
    DemoCategory("Mental health", "mental-health", "Medicines for depression and anxiety."),
)

CURRENCY = "GBP"  # the prices below are UK prices

POM, P, GSL = LegalCategory.PRESCRIPTION, LegalCategory.PHARMACY, LegalCategory.GENERAL_SALE

PRODUCTS = (
    DemoProduct(
        name="Baclofen tablets", also_known_as=("Lioresal", "Lyflex", "Ozobax", "Fleqsuvy", "Lyvispah", "Kemstro"),
        indications="spasticity; muscle stiffness from multiple sclerosis or spinal cord injury",
        slug="baclofen-tablets", legal_category=POM, dosage_form=DosageForm.TABLET,
        atc_code="M03BX01", categories=("muscle-and-joint",), leaflet=leaflets.BACLOFEN_TABLETS,
        description="A muscle relaxant for spasticity caused by multiple sclerosis or spinal cord injury or "
                    "disease. Prescription only.",
        packs=(
            DemoPack("BAC-5-84", demo_gtin(101), 84, Decimal("9.49"), 60, mg("baclofen", "5")),
            DemoPack("BAC-10-84", demo_gtin(102), 84, Decimal("12.99"), 80, mg("baclofen", "10")),
            DemoPack("BAC-20-84", demo_gtin(103), 84, Decimal("18.49"), 40, mg("baclofen", "20")),
        ),
    ),
    DemoProduct(
        name="Baclofen oral solution", also_known_as=("Lioresal", "Lyflex", "Ozobax", "Fleqsuvy"),
        indications="spasticity; muscle stiffness from multiple sclerosis or spinal cord injury",
        slug="baclofen-oral-solution", legal_category=POM,
        dosage_form=DosageForm.ORAL_SOLUTION, atc_code="M03BX01", categories=("muscle-and-joint",),
        leaflet=leaflets.BACLOFEN_ORAL_SOLUTION,
        description="Baclofen as a liquid, 5 mg in each 5 mL, for people who find tablets hard to swallow. "
                    "Prescription only.",
        packs=(
            DemoPack("BACOS-5-300", demo_gtin(111), 300, Decimal("24.95"), 15,
                     (DemoStrength("baclofen", Decimal("5"), "mg", Decimal("5"), "mL"),), pack_unit="mL"),
        ),
    ),
    DemoProduct(
        name="Ibuprofen tablets", also_known_as=("Nurofen", "Brufen", "Advil", "Motrin", "Anadin Ibuprofen"),
        indications="headache; period pain; muscle pain; back pain; toothache; fever; cold and flu",
        slug="ibuprofen-tablets", legal_category=GSL, dosage_form=DosageForm.TABLET,
        atc_code="M01AE01", categories=("pain-relief", "muscle-and-joint"), leaflet=leaflets.IBUPROFEN,
        description="An anti-inflammatory painkiller for headache, period pain, muscle pain and fever.",
        packs=(DemoPack("IBU-200-16", demo_gtin(201), 16, Decimal("1.99"), 250, mg("ibuprofen", "200"),
                        max_per_order=2),),
    ),
    # Two paracetamol products, because the legal category belongs to the product: packs of up to 16 are
    # general sale, 17-32 pharmacy only. The 100-tablets-per-sale rule and the packs per 30 days are
    # purchase limits on the ingredient (safeguards.demo), counted across every paracetamol-containing pack.
    DemoProduct(
        name="Paracetamol tablets", also_known_as=("acetaminophen", "Panadol", "Calpol", "Tylenol", "APAP"),
        indications="headache; pain; fever; high temperature; cold and flu; toothache",
        slug="paracetamol-tablets", legal_category=GSL,
        dosage_form=DosageForm.TABLET, atc_code="N02BE01",
        categories=("pain-relief",), leaflet=leaflets.paracetamol_leaflet(pack_size=16),
        description="An everyday painkiller that also brings down a temperature.",
        packs=(DemoPack("PARA-500-16", demo_gtin(211), 16, Decimal("0.89"), 300, mg("paracetamol", "500")),),
    ),
    DemoProduct(
        name="Paracetamol (pharmacy pack) tablets", also_known_as=("acetaminophen", "Panadol", "Tylenol", "APAP"),
        indications="headache; pain; fever; high temperature; cold and flu; toothache",
        slug="paracetamol-pharmacy-pack-tablets",
        legal_category=P, dosage_form=DosageForm.TABLET, atc_code="N02BE01", categories=("pain-relief",),
        leaflet=leaflets.paracetamol_leaflet(pack_size=32),
        description="Paracetamol in a pack of 32, sold by a pharmacy after the pharmacist's checks.",
        packs=(DemoPack("PARA-500-32", demo_gtin(212), 32, Decimal("2.49"), 120, mg("paracetamol", "500")),),
    ),
    DemoProduct(
        name="Co-codamol tablets", also_known_as=(
            "codeine and paracetamol", "codeine and acetaminophen", "Solpadeine", "Tylenol with Codeine",
            "Tylenol 3",
        ),
        indications="moderate pain; headache; migraine; toothache",
        slug="co-codamol-tablets", legal_category=P,
        controlled_drug_schedule=5, dosage_form=DosageForm.TABLET, atc_code="N02AJ06",
        categories=("pain-relief",), leaflet=leaflets.CO_CODAMOL, minimum_age=12,
        description="Codeine and paracetamol for moderate pain, for up to 3 days. Can cause addiction.",
        packs=(
            DemoPack("COCO-8-500-32", demo_gtin(221), 32, Decimal("4.49"), 60,
                     (DemoStrength("codeine phosphate", Decimal("8")),
                      DemoStrength("paracetamol", Decimal("500"))),
                     max_per_order=1),
        ),
    ),
    DemoProduct(
        name="Cetirizine tablets", also_known_as=("Zirtek", "Piriteze", "Zyrtec", "Benadryl One a Day"),
        indications="hay fever; allergy; allergies; allergic rhinitis; hives; itchy skin; sneezing; runny nose; "
                    "itchy eyes",
        slug="cetirizine-tablets", legal_category=GSL,
        dosage_form=DosageForm.TABLET, atc_code="R06AE07",
        categories=("allergy-and-hay-fever",), leaflet=leaflets.CETIRIZINE,
        description="A once-a-day antihistamine for hay fever, allergies and hives.",
        packs=(DemoPack("CET-10-30", demo_gtin(301), 30, Decimal("3.99"), 150,
                        mg("cetirizine hydrochloride", "10")),),
    ),
    DemoProduct(
        name="Omeprazole capsules", also_known_as=("Losec", "Prilosec", "Zanprza"),
        indications="heartburn; acid reflux; indigestion; GORD",
        slug="omeprazole-capsules", legal_category=P,
        dosage_form=DosageForm.CAPSULE, atc_code="A02BC01",
        categories=("stomach-and-digestion",), leaflet=leaflets.OMEPRAZOLE,
        description="Reduces stomach acid: a 14-day course for frequent heartburn and reflux in adults.",
        packs=(DemoPack("OME-20-14", demo_gtin(401), 14, Decimal("5.99"), 80, mg("omeprazole", "20"),
                        pack_unit="capsules", max_per_order=2),),
    ),
    DemoProduct(
        name="Amoxicillin capsules", also_known_as=("Amoxil", "amoxycillin", "Moxatag"),
        indications="bacterial infections; chest infection; ear infection",
        slug="amoxicillin-capsules", legal_category=POM,
        dosage_form=DosageForm.CAPSULE, atc_code="J01CA04", categories=("infections",),
        leaflet=leaflets.AMOXICILLIN,
        description="A penicillin antibiotic for bacterial infections. Prescription only.",
        packs=(DemoPack("AMOX-500-21", demo_gtin(501), 21, Decimal("7.99"), 50, mg("amoxicillin", "500"),
                        pack_unit="capsules"),),
    ),
    DemoProduct(
        name="Amlodipine tablets", also_known_as=("Istin", "Norvasc", "amlodipine besylate"),
        indications="high blood pressure; hypertension; angina",
        slug="amlodipine-tablets", legal_category=POM,
        dosage_form=DosageForm.TABLET, atc_code="C08CA01",
        categories=("heart-and-blood-pressure",), leaflet=leaflets.AMLODIPINE,
        description="A calcium channel blocker for high blood pressure and angina. Prescription only.",
        packs=(DemoPack("AMLO-5-28", demo_gtin(601), 28, Decimal("4.99"), 70, mg("amlodipine", "5")),),
    ),
    DemoProduct(
        name="Sertraline tablets", also_known_as=("Lustral", "Zoloft"),
        indications="depression; anxiety; OCD; panic disorder; PTSD",
        slug="sertraline-tablets", legal_category=POM,
        dosage_form=DosageForm.TABLET, atc_code="N06AB06",
        categories=("mental-health",), leaflet=leaflets.SERTRALINE,
        description="An SSRI antidepressant for depression, OCD and anxiety disorders. Prescription only.",
        packs=(DemoPack("SERT-50-28", demo_gtin(701), 28, Decimal("6.49"), 45, mg("sertraline", "50")),),
    ),
    DemoProduct(
        name="Tramadol capsules", also_known_as=("Zydol", "Tramal", "Ultram", "ConZip"),
        indications="moderate to severe pain",
        slug="tramadol-capsules", legal_category=POM, controlled_drug_schedule=3,
        dosage_form=DosageForm.CAPSULE, atc_code="N02AX02", categories=("pain-relief",),
        leaflet=leaflets.TRAMADOL,
        description="An opioid painkiller for moderate to severe pain. Schedule 3 controlled drug.",
        packs=(DemoPack("TRAM-50-30", demo_gtin(231), 30, Decimal("8.99"), 20,
                        mg("tramadol hydrochloride", "50"), pack_unit="capsules"),),
    ),
    DemoProduct(
        name="Diazepam tablets", also_known_as=("Valium", "Diazemuls", "Diastat"),
        indications="anxiety; muscle spasm; alcohol withdrawal",
        slug="diazepam-tablets", legal_category=POM, controlled_drug_schedule=4,
        dosage_form=DosageForm.TABLET, atc_code="N05BA01", categories=("mental-health", "muscle-and-joint"),
        leaflet=leaflets.DIAZEPAM,
        description="A benzodiazepine for short-term relief of severe anxiety and muscle spasm. Schedule 4 "
                    "controlled drug.",
        packs=(DemoPack("DIAZ-5-28", demo_gtin(711), 28, Decimal("7.49"), 20, mg("diazepam", "5")),),
    ),
)


# --- Consultation questions for the pharmacy-only (P) medicines (WWHAM: who, what symptoms, how long,
# action already taken, other medicines), asked at checkout and read by the pharmacist. ---------------


@dataclass(frozen=True)
class DemoQuestion:
    text: str
    answer_type: str = "yes_no"  # catalog.models.AnswerType
    choices: tuple[str, ...] = ()
    required: bool = True
    help_text: str = ""


@dataclass(frozen=True)
class DemoQuestionnaire:
    name: str
    products: tuple[str, ...]  # product slugs
    questions: tuple[DemoQuestion, ...]
    categories: tuple[str, ...] = ()  # category slugs


_WHO_AND_OTHER_MEDICINES = (
    DemoQuestion("Who is the medicine for, and how old are they?", "text"),
    DemoQuestion("What other medicines (including from a shop or herbal) does the patient take?", "text",
                 help_text="Write 'none' if none."),
    DemoQuestion("Is the patient pregnant or breastfeeding?"),
)

CONSULTATIONS = (
    DemoQuestionnaire(
        name="Co-codamol (codeine) consultation",
        products=("co-codamol-tablets",),
        questions=(
            *_WHO_AND_OTHER_MEDICINES,
            DemoQuestion("What is the pain, and how long has the patient had it?", "text"),
            DemoQuestion("Do you understand that co-codamol must be used for no more than 3 days in a row?"),
            DemoQuestion("Has the patient taken a codeine painkiller for more than 3 days in a row in the last "
                         "month, or felt they needed more of it?",
                         help_text="Codeine can cause addiction."),
            DemoQuestion("Is the patient under 12, or under 18 and recovering from an operation to remove "
                         "tonsils or adenoids?"),
            DemoQuestion("Does the patient take any other medicine that contains paracetamol?"),
        ),
    ),
    DemoQuestionnaire(
        name="Omeprazole (heartburn) consultation",
        products=("omeprazole-capsules",),
        questions=(
            *_WHO_AND_OTHER_MEDICINES,
            DemoQuestion("How long has the patient had heartburn or reflux?", "choice",
                         choices=("Less than 2 weeks", "2 to 4 weeks", "More than 4 weeks")),
            DemoQuestion("Is the patient over 55 with new or recently changed symptoms?"),
            DemoQuestion("Has the patient had difficulty or pain swallowing, vomiting, black stools or "
                         "unexplained weight loss?"),
        ),
    ),
    DemoQuestionnaire(
        name="Paracetamol 32-tablet pack consultation",
        products=("paracetamol-pharmacy-pack-tablets",),
        questions=(
            *_WHO_AND_OTHER_MEDICINES,
            DemoQuestion("What is the paracetamol for?", "text"),
            DemoQuestion("Does the patient take any other medicine that contains paracetamol?"),
            DemoQuestion("Does the patient have liver problems or drink more than 14 units of alcohol a week?"),
        ),
    ),
)
