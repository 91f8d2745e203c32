"""The pharmacist's checkout questions for pharmacy-only medicines."""

from django.db import models
from django.db.models import Q

from .products import Category, Product


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", "Yes or no"
    TEXT = "text", "Free text"
    CHOICE = "choice", "One of a list"


class ConsultationQuestionnaire(models.Model):
    """The pharmacist's questions for a pharmacy-only (P) medicine, asked at checkout; attached to
    products and/or to whole categories (a group of products)."""

    name = models.CharField(max_length=200, unique=True, help_text="e.g. Codeine-containing painkillers")
    products = models.ManyToManyField(Product, related_name="questionnaires", blank=True)
    categories = models.ManyToManyField(Category, related_name="questionnaires", blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConsultationQuestion(models.Model):
    questionnaire = models.ForeignKey(ConsultationQuestionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    answer_type = models.CharField(max_length=10, choices=AnswerType.choices, default=AnswerType.YES_NO)
    choices = models.TextField(blank=True, help_text="For 'one of a list': one choice per line.")
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["questionnaire", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(answer_type="choice") | ~Q(choices=""),
                name="consultation_choice_question_has_choices",
                violation_error_message="A 'one of a list' question needs its choices.",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def choice_list(self) -> list[str]:
        if self.answer_type == AnswerType.YES_NO:
            return ["yes", "no"]
        return [line.strip() for line in self.choices.splitlines() if line.strip()]
