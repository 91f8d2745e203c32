"""Admin for the pharmacist's checkout questionnaires."""

from django.contrib import admin
from django.db.models import Count

from ..models import ConsultationQuestion, ConsultationQuestionnaire


class ConsultationQuestionInline(admin.TabularInline):
    model = ConsultationQuestion
    fields = ("position", "text", "help_text", "answer_type", "choices", "required")
    extra = 1


@admin.register(ConsultationQuestionnaire)
class ConsultationQuestionnaireAdmin(admin.ModelAdmin):
    """The questions checkout asks for a pharmacy-only (P) medicine: attach a questionnaire to products, or
    to categories to cover a group of products. Order lines keep the text as asked, so editing is safe."""

    list_display = ("name", "is_active", "question_count")
    list_filter = ("is_active",)
    search_fields = ("name", "products__name", "questions__text")
    filter_horizontal = ("products", "categories")
    inlines = [ConsultationQuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description="Questions", ordering="question_total")
    def question_count(self, questionnaire):
        return questionnaire.question_total
