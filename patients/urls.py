from django.urls import path

from . import views

app_name = "patients"
urlpatterns = [
    path("", views.record_list, name="record-list"),
    path("add/", views.record_add, name="record-add"),
    path("<int:pk>/", views.record_edit, name="record-edit"),
    path("<int:pk>/remove/", views.record_remove, name="record-remove"),
]
