from django.urls import path

from revier.backoffice import views_imports

app_name = "imports_backoffice"

urlpatterns = [
    path("", views_imports.run_list, name="list"),
    path("neu/<str:key>/", views_imports.run_upload, name="upload"),
    path("<int:pk>/", views_imports.run_detail, name="detail"),
    path("<int:pk>/fortschritt/", views_imports.run_progress, name="progress"),
]
