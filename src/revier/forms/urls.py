from django.urls import path

from revier.forms import views

app_name = "forms_backoffice"

urlpatterns = [
    path("", views.form_list, name="list"),
    path("import/", views.form_import, name="import"),
    path("neu/", views.form_create, name="create"),
    path("versionen/<int:pk>/", views.version_detail, name="version_detail"),
    path("versionen/<int:pk>/vorschau/", views.version_preview, name="version_preview"),
    path("versionen/<int:pk>/veroeffentlichen/", views.version_publish, name="version_publish"),
    path("versionen/<int:pk>/zurueckziehen/", views.version_retire, name="version_retire"),
    path("versionen/<int:pk>/schritte/", views.step_add, name="step_add"),
    path("versionen/<int:pk>/felder/", views.field_add, name="field_add"),
    path("versionen/<int:pk>/felder/<int:field_pk>/", views.field_edit, name="field_edit"),
    path("versionen/<int:pk>/codelisten/", views.code_list_upload, name="code_list_upload"),
]
