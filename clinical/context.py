"""Where the clinical checks learn about the patient. Every check (the cart, checkout, the pharmacist's
review) asks `facts_for_checkout`, so the patient's health record plugs in here and nowhere else."""

from orders.services.consultations import Patient

from .facts import PatientFacts


def facts_for_checkout(user, patient: Patient) -> PatientFacts:
    """The facts about `patient` (the account holder, or someone they care for) that the rules read.

    Today only what checkout asks: the date of birth. The health record (conditions, allergies, pregnancy,
    other medicines) is read here once it exists."""
    return PatientFacts(date_of_birth=patient.date_of_birth)


def facts_for_order(order) -> PatientFacts:
    """The facts for an order's patient at review time: the same function, for the patient on the order."""
    patient = Patient(name=order.patient_name, date_of_birth=order.patient_date_of_birth,
                      is_account_holder=order.patient_is_account_holder)
    return facts_for_checkout(order.user, patient)
