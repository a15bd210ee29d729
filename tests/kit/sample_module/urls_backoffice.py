from django.urls import path

from tests.kit.sample_module import views

app_name = "sample_backoffice"
urlpatterns = [path("", views.backoffice_list, name="list")]
