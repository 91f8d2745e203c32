from django.urls import path

from . import views

app_name = "prescriptions"
urlpatterns = [
    path("prescriptions/", views.prescription_list, name="prescription-list"),
    path("prescriptions/<int:pk>/file/", views.prescription_file, name="prescription-file"),
]
