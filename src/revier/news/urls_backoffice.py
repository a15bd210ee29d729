from django.urls import path

from revier.news import views_backoffice as views

app_name = "news_backoffice"

urlpatterns = [
    path("", views.news_list, name="list"),
    path("neu/", views.news_create, name="create"),
    path("<int:pk>/", views.news_edit, name="edit"),
    path("<int:pk>/veroeffentlichen/", views.news_publish, name="publish"),
    path("<int:pk>/zuruecknehmen/", views.news_unpublish, name="unpublish"),
    path("<int:pk>/loeschen/", views.news_delete, name="delete"),
]
