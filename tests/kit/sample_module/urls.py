from django.urls import path

from tests.kit.sample_module import views

app_name = "sample"
urlpatterns = [path("", views.index, name="index")]
