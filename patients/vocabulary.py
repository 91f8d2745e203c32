"""The coded vocabulary that patients' health records and the clinical rule table share.

Codes are stored as plain strings (health records, rule files), so they must never be renamed: add new
ones instead. Ingredients are not coded here: they are catalog.Ingredient names, compared in lower case.
"""

from django.db import models


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_STATED = "not_stated", "Prefer not to say"


class Condition(models.TextChoices):
    KIDNEY_DISEASE = "kidney_disease", "Kidney disease"
    LIVER_DISEASE = "liver_disease", "Liver disease"
    EPILEPSY = "epilepsy", "Epilepsy or seizures"
    STOMACH_ULCER = "stomach_ulcer", "Stomach ulcer or bleeding (now or in the past)"
    ASTHMA = "asthma", "Asthma"
    HEART_FAILURE = "heart_failure", "Heart failure"
    HIGH_BLOOD_PRESSURE = "high_blood_pressure", "High blood pressure"
    DIABETES = "diabetes", "Diabetes"
    DEPRESSION = "depression", "Depression or another mental health condition"
    REGULAR_ALCOHOL = "regular_alcohol", "Drinks alcohol regularly"
    GLAUCOMA = "glaucoma", "Glaucoma"
    PROSTATE_ENLARGEMENT = "prostate_enlargement", "Enlarged prostate or difficulty passing urine"


class AllergyClass(models.TextChoices):
    PENICILLINS = "penicillins", "Penicillins (such as amoxicillin)"
    CEPHALOSPORINS = "cephalosporins", "Cephalosporins (such as cefalexin)"
    NSAIDS = "nsaids", "Anti-inflammatory painkillers, NSAIDs (such as ibuprofen or aspirin)"
    OPIOIDS = "opioids", "Opioid painkillers (such as codeine or tramadol)"
    SULFONAMIDES = "sulfonamides", "Sulfonamides (sulfa drugs)"
