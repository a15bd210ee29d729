"""Back office of the news: list, write, edit, publish or schedule, unpublish, delete.

Each page follows the back-office pattern (``revier.backoffice.framework``): ``backoffice_view``
checks the permission in the active municipality, a form posts to one service call through
``submit_service`` (errors at the fields with 400, or a confirmation and a redirect), and items
are looked up in the active municipality only, so another municipality's item is a 404.
"""

from django import forms
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from revier.backoffice.framework import (
    backoffice_view,
    form_status,
    post_data,
    render_backoffice,
    submit_service,
)
from revier.backoffice.tables import Column, DataTable
from revier.news import selectors, services
from revier.news.forms_backoffice import (
    NewsFilterForm,
    NewsItemCreateForm,
    NewsItemForm,
    PublicationForm,
)
from revier.news.models import NewsItem

PERMISSION = services.PERMISSION
SECTION = "news"


def _render(request, template: str, context: dict, *, status: int = 200):
    return render_backoffice(
        request, f"news/backoffice/{template}", context, section=SECTION, status=status
    )


def _item(pk: int) -> NewsItem:
    return get_object_or_404(selectors.news_all(), pk=pk)


def _list_url() -> str:
    return reverse("news_backoffice:list")


def _saved(item: NewsItem) -> str:
    if item.status == NewsItem.Status.PUBLISHED:
        return _("“%(title)s” is published.") % {"title": item.title}
    if item.status == NewsItem.Status.SCHEDULED:
        return _("“%(title)s” will be published on %(when)s.") % {
            "title": item.title,
            "when": _local(item.publish_at),
        }
    return _("“%(title)s” is saved as a draft.") % {"title": item.title}


def _local(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


@backoffice_view(PERMISSION)
def news_list(request):
    form = NewsFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    table = DataTable(
        request=request,
        queryset=selectors.news_for_backoffice(
            status=filters.get("status", ""), q=filters.get("q", "")
        ),
        columns=[
            Column("title", _("Title"), ("title",)),
            Column("status", _("Status")),
            Column("published", _("Published or scheduled"), ("published_at", "publish_at")),
            Column("author", _("Author"), ("author__last_name", "author__email")),
            Column("created", _("Written"), ("created_at",)),
        ],
        default_sort="-created",  # newest first, as before
        caption=_("News"),
    )
    return _render(
        request,
        "list.html",
        {"form": form, "page": table.page, "table": table},
        status=400 if form.is_bound and form.errors else 200,
    )


@backoffice_view(PERMISSION)
@require_http_methods(["GET", "POST"])
def news_create(request):
    form = NewsItemCreateForm(post_data(request))

    def create(data):
        return services.news_create(
            municipality=request.municipality,
            actor=request.user,
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            publish=data["when"] == form.NOW,
            publish_at=form.schedule(),
        )

    done = submit_service(request, form, create, success=_saved, redirect_to=_list_url())
    return done or _render(
        request, "form.html", {"form": form, "item": None}, status=form_status(form)
    )


@backoffice_view(PERMISSION)
@require_http_methods(["GET", "POST"])
def news_edit(request, pk: int):
    item = _item(pk)
    form = NewsItemForm(
        post_data(request),
        initial={"title": item.title, "summary": item.summary, "body": item.body},
    )

    def update(data):
        return services.news_update(item=item, actor=request.user, **data)

    done = submit_service(
        request,
        form,
        update,
        success=_("Your changes have been saved."),
        redirect_to=reverse("news_backoffice:edit", args=[item.pk]),
    )
    return done or _render(
        request, "form.html", {"form": form, "item": item}, status=form_status(form)
    )


@backoffice_view(PERMISSION)
@require_http_methods(["GET", "POST"])
def news_publish(request, pk: int):
    item = _item(pk)
    initial = {"when": PublicationForm.LATER if item.publish_at else PublicationForm.NOW}
    form = PublicationForm(post_data(request), initial={**initial, "publish_at": item.publish_at})

    def publish(data):
        return services.news_publish(item=item, actor=request.user, publish_at=form.schedule())

    done = submit_service(request, form, publish, success=_saved, redirect_to=_list_url())
    return done or _render(
        request, "publish.html", {"form": form, "item": item}, status=form_status(form)
    )


def _confirm(request, pk: int, *, template: str, call, success):
    """A page that says what will happen, and one button that does it (POST)."""
    item = _item(pk)
    form = forms.Form(post_data(request))  # no fields: the service's refusal shows on it
    done = submit_service(
        request,
        form,
        lambda _data: call(item=item, actor=request.user),
        success=success % {"title": item.title},
        redirect_to=_list_url(),
    )
    return done or _render(
        request, template, {"form": form, "item": item}, status=form_status(form)
    )


@backoffice_view(PERMISSION)
@require_http_methods(["GET", "POST"])
def news_unpublish(request, pk: int):
    return _confirm(
        request,
        pk,
        template="unpublish.html",
        call=services.news_unpublish,
        success=_("“%(title)s” is a draft again."),
    )


@backoffice_view(PERMISSION)
@require_http_methods(["GET", "POST"])
def news_delete(request, pk: int):
    return _confirm(
        request,
        pk,
        template="delete.html",
        call=services.news_delete,
        success=_("“%(title)s” has been deleted."),
    )
