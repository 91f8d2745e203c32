"""Checkout's clinical questions: who the medicines are for (the patient, whose age the limits use), and
the shopper's answers to the consultation questions of each pharmacy-only (P) line, kept as a snapshot."""

from collections.abc import Mapping, Sequence
from datetime import date

from django.utils import timezone

from catalog.models import AnswerType, ConsultationQuestion, LegalCategory
from clinical.services import age_ruled_pack_ids
from orders.exceptions import ConsultationIncomplete, PatientDetailsRequired, PatientTooYoung
from patients.checkout import check_date_of_birth_matches, record_for_order
from patients.details import PatientDetails
from patients.models import Patient as HealthRecord

from ..selectors import questions_for_lines

MAX_ANSWER_LENGTH = 1000

# {sku: {question id: answer}}; the ids may be ints or their strings (JSON object keys).
ConsultationAnswers = Mapping[str, Mapping[int | str, str]]


def age_on(*, date_of_birth: date, today: date) -> int:
    return today.year - date_of_birth.year - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))


def lines_needing_date_of_birth(*, lines: Sequence) -> list:
    """The lines for which checkout asks the patient's date of birth, and no others (data minimisation):
    a minimum age, an age rule of the clinical table (a dose or use that depends on age), or a P or POM
    medicine, which our pharmacist checks against the patient's age. An order of other general-sale
    items for the shopper needs none; one for someone they care for always names them by birth date."""
    ruled = age_ruled_pack_ids(packs=[line.pack for line in lines])
    return [line for line in lines if line.pack.product.minimum_age or line.pack.pk in ruled
            or line.pack.product.legal_category != LegalCategory.GENERAL_SALE]


def _check_date_of_birth_for_dose_by_age(*, patient: PatientDetails, lines: Sequence) -> None:
    """General-sale lines an age rule covers need the date of birth, or the rule could not be checked.
    (P and POM lines ask for it with a missing prescription, in one answer: see placement.)"""
    if patient.date_of_birth is not None:
        return
    general_sale = [line for line in lines if line.pack.product.legal_category == LegalCategory.GENERAL_SALE]
    ruled = age_ruled_pack_ids(packs=[line.pack for line in general_sale])
    by_age = [line for line in general_sale if line.pack.pk in ruled]
    if by_age:
        names = "; ".join(line.pack.display_name for line in by_age)
        raise PatientDetailsRequired(
            f"Enter the patient's date of birth: whether {names} suits the patient depends on their age.",
            field="patient_date_of_birth",
        )


def check_patient(*, user, patient: PatientDetails, lines: Sequence) -> PatientDetails:
    """The patient as recorded on the order; refuses missing details and medicines the patient is too
    young for (the patient's age, never the account holder's)."""
    name = " ".join(patient.name.split())
    if patient.is_account_holder and not name:
        name = getattr(user, "full_name", "") or ""
    if not patient.is_account_holder and not name:
        raise PatientDetailsRequired("Enter the name of the person the medicines are for.", field="patient_name")
    if not patient.is_account_holder and patient.date_of_birth is None:
        raise PatientDetailsRequired(
            f"Enter {name}'s date of birth: our pharmacist checks every medicine against the patient's age.",
            field="patient_date_of_birth",
        )
    today = timezone.localdate()
    if patient.date_of_birth is not None and patient.date_of_birth > today:
        raise PatientDetailsRequired("The patient's date of birth cannot be in the future.",
                                     field="patient_date_of_birth")
    limited = [line for line in lines if line.pack.product.minimum_age]
    if limited and patient.date_of_birth is None:
        names = "; ".join(line.pack.display_name for line in limited)
        raise PatientDetailsRequired(
            f"Enter the patient's date of birth: {names} has a minimum age.", field="patient_date_of_birth"
        )
    _check_date_of_birth_for_dose_by_age(patient=patient, lines=lines)
    for line in limited:
        minimum = line.pack.product.minimum_age
        age = age_on(date_of_birth=patient.date_of_birth, today=today)
        if age < minimum:
            raise PatientTooYoung(
                f"{line.pack.display_name} is not sold for patients under {minimum}; {name or 'the patient'} "
                f"is {age}.", field="patient_date_of_birth", sku=line.pack.sku, minimum_age=minimum,
            )
    return PatientDetails(name=name, date_of_birth=patient.date_of_birth, is_account_holder=patient.is_account_holder,
                   record_id=patient.record_id)


def patient_with_record(*, patient: PatientDetails, record: HealthRecord | None) -> PatientDetails:
    """Fill in what the patient's health record (patients.checkout.checkout_record) knows: a named record
    gives its name and date of birth (a different date typed at checkout is refused); the account
    holder's record its date of birth, unless one is given at checkout."""
    if record is None:
        return patient  # someone by name: check_patient asks for the name and date of birth
    if patient.record_id is not None:
        check_date_of_birth_matches(record=record, date_of_birth=patient.date_of_birth)
        name = record.name
    else:
        name = patient.name
    return PatientDetails(name=name, date_of_birth=patient.date_of_birth or record.date_of_birth,
                   is_account_holder=record.is_account_holder, record_id=record.pk)


def check_date_of_birth_for_pharmacist_lines(*, patient: PatientDetails, pharmacist_lines: Sequence) -> None:
    """The checkout asks for what is missing: a pharmacist checks P and POM medicines against the
    patient's age, so those need the date of birth."""
    if pharmacist_lines and patient.date_of_birth is None:
        names = "; ".join(line.pack.display_name for line in pharmacist_lines)
        raise PatientDetailsRequired(
            f"Enter the patient's date of birth: our pharmacist checks {names} against the patient's age.",
            field="patient_date_of_birth",
        )


def link_health_record(*, user, patient: PatientDetails, record: HealthRecord | None) -> HealthRecord:
    return record_for_order(user=user, patient=patient, record=record)


def _answer(answers: Mapping[int | str, str], question: ConsultationQuestion) -> str:
    value = answers.get(question.pk, answers.get(str(question.pk), ""))
    return " ".join(str(value if value is not None else "").split())


def consultation_snapshots(*, lines: Sequence, answers: ConsultationAnswers) -> dict[int, list[dict]]:
    """Check the shopper's answers for every P line and return, per pack id, the snapshot kept with the
    order line: the question's text as asked, its type and the answer. Raises ConsultationIncomplete."""
    snapshots: dict[int, list[dict]] = {}
    questions_by_pack = questions_for_lines(lines=lines)
    for line in lines:
        pack = line.pack
        questions = questions_by_pack.get(pack.pk)
        if questions is None:
            continue
        given = answers.get(pack.sku, {}) or {}
        snapshot = []
        for question in questions:
            answer = _answer(given, question)
            field = f"consultations.{pack.sku}.{question.pk}"
            if not answer:
                if question.required:
                    raise ConsultationIncomplete(
                        f"{pack.display_name}: please answer “{question.text}”", field=field,
                        sku=pack.sku, question_id=question.pk,
                    )
                continue
            if question.answer_type != AnswerType.TEXT:
                choices = question.choice_list
                match = next((choice for choice in choices if choice.lower() == answer.lower()), None)
                if match is None:
                    raise ConsultationIncomplete(
                        f"{pack.display_name}: answer “{question.text}” with one of: {', '.join(choices)}.",
                        field=field, sku=pack.sku, question_id=question.pk,
                    )
                answer = match
            elif len(answer) > MAX_ANSWER_LENGTH:
                raise ConsultationIncomplete(
                    f"{pack.display_name}: keep the answer to “{question.text}” under {MAX_ANSWER_LENGTH} "
                    "characters.", field=field, sku=pack.sku, question_id=question.pk,
                )
            snapshot.append({"question_id": question.pk, "question": question.text,
                             "answer_type": question.answer_type, "answer": answer})
        snapshots[pack.pk] = snapshot
    return snapshots
