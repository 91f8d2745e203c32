from django.apps import AppConfig


class DispensingConfig(AppConfig):
    name = "dispensing"
    verbose_name = "Dispensing: pharmacists, responsible pharmacist, prescription register"
