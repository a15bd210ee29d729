from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from revier.core.pagecache import public_page
from revier.news.selectors import news_published
from revier.tenancy.modules import module_required


@public_page(params=("page",))
@module_required("news")
def news_list(request):
    page = Paginator(news_published(), 10).get_page(request.GET.get("page"))
    return render(request, "news/list.html", {"page": page})


@public_page
@module_required("news")
def news_detail(request, slug: str):
    item = get_object_or_404(news_published(), slug=slug)
    return render(request, "news/detail.html", {"item": item})
