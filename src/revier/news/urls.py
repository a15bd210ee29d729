from django.urls import path

from revier.news import views

app_name = "news"

urlpatterns = [
    path("", views.news_list, name="list"),
    path("<slug:slug>/", views.news_detail, name="detail"),
]
