from django.urls import path

from revier.news import api

urlpatterns = [
    path("<slug:municipality>/news/", api.NewsListView.as_view(), name="api-news-list"),
    path(
        "<slug:municipality>/news/<slug:slug>/",
        api.NewsDetailView.as_view(),
        name="api-news-detail",
    ),
]
