from django.urls import path

from tests.kit.sample_module import views

urlpatterns = [path("<slug:municipality>/beispiele/", views.api_list, name="api-samples")]
