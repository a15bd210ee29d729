from django.urls import path

from revier.portal import views
from revier.portal.urls import common

app_name = "portal"

urlpatterns = [*common, path("brand.css", views.brand_css, name="brand_css")]
