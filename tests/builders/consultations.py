"""Builders for pharmacy (P) medicines: consultation answers and an order placed with them."""


from catalog.models import ConsultationQuestion, Pack
from checkout.services import place_order
from tests.builders.orders import cart_with, details
from tests.builders.patients import ADULT


def answers_for(pack: Pack, first="yes", second="none") -> dict:
    questions = list(ConsultationQuestion.objects.filter(questionnaire__products=pack.product).order_by("position"))
    return {pack.sku: {questions[0].pk: first, questions[1].pk: second}}



def place(user, *lines, answers=None, patient=None, key="k"):
    return place_order(user=user, cart=cart_with(user, *lines), details=details(), idempotency_key=key,
                       consultation_answers=answers, patient=ADULT if patient is None else patient)
