"""The booking API (issue 14's contract): bookables, their availability, bookings.

Errors are problem JSON (RFC 7807): 400 names the field, 409 when the place is gone, 429 with
``Retry-After`` beyond a person's limit, 503 with ``Retry-After`` when the locks were busy
("please try again"). ``Idempotency-Key`` makes a repeated ``POST /bookings/`` answer once.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, generics, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from revier.booking import links, selectors, services
from revier.booking.calendar import tz
from revier.booking.models import Booking, Resource
from revier.core.api import ProblemResponse
from revier.core.audit import audit_context
from revier.core.idempotency import IdempotencyConflict, body_hash, run_idempotent
from revier.core.locking import LockBusy
from revier.tenancy.api_scope import HasMunicipalityPerm, MunicipalityAPIMixin

MODULE = "booking"


# The most seats one bookable may have: far above any event of a town, and below the database's
# integer range on both databases (a larger number is a field error, not an overflow).
MAX_CAPACITY = 100_000
MAX_ID = 2**63 - 1


class BookableSerializer(serializers.ModelSerializer):
    # Explicit range: the model field's would follow the database (2**31 or 2**63), and the
    # committed OpenAPI file must be the same whichever database generated it.
    capacity = serializers.IntegerField(read_only=True, min_value=0, max_value=MAX_CAPACITY)
    ical_url = serializers.SerializerMethodField(
        help_text="The public iCal feed of the bookable's hub (public bookables of a hub only)."
    )

    class Meta:
        model = Resource
        fields = ["id", "kind", "name", "capacity", "ical_url"]

    def get_ical_url(self, obj: Resource) -> str | None:
        if obj.public and obj.hub_id is not None:
            return links.hub_ics_link(obj.hub)
        return None


EventCreateRequest = inline_serializer(
    "BookableEventCreate",
    {
        "kind": serializers.ChoiceField(
            Resource.Kind.choices, help_text="event or course (the others are not created here)"
        ),
        "name": serializers.CharField(),
        "start": serializers.DateTimeField(),
        "end": serializers.DateTimeField(),
        "capacity": serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY),
        "waiting_list": serializers.BooleanField(default=False),
        "hub": serializers.IntegerField(
            required=False, min_value=1, max_value=MAX_ID, help_text="Id of the hub (optional)."
        ),
    },
)

FreeResponse = inline_serializer(
    "BookableFree",
    {
        "start": serializers.DateTimeField(),
        "end": serializers.DateTimeField(),
        "remaining": serializers.IntegerField(),
    },
    many=True,
)

BookingResponse = inline_serializer(
    "Booking",
    {
        "id": serializers.IntegerField(),
        "bookable": serializers.IntegerField(),
        "status": serializers.ChoiceField(Booking.Status.choices),
        "start": serializers.DateTimeField(),
        "end": serializers.DateTimeField(),
        "ics_url": serializers.URLField(),
    },
)

BookingCreateRequest = inline_serializer(
    "BookingCreate",
    {
        "bookable": serializers.IntegerField(),
        "start": serializers.DateTimeField(
            required=False, help_text="Left out where the bookable has one date."
        ),
        "end": serializers.DateTimeField(required=False),
        "organisation": serializers.IntegerField(
            required=False, help_text="Book a desk for this organisation (its contingent)."
        ),
        "name": serializers.CharField(required=False),
        "answers": serializers.DictField(required=False),
    },
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Repeating a request with the same key returns the first answer; the same key "
    "with a different body is refused (422).",
)


def booking_dict(booking: Booking) -> dict:
    return {
        "id": booking.pk,
        "bookable": booking.resource_id,
        "status": booking.status,
        "start": booking.start.astimezone(tz()).isoformat(),
        "end": booking.end.astimezone(tz()).isoformat(),
        "ics_url": links.booking_ics_link(booking),
    }


def _datetime(data, field: str, *, required: bool = False) -> dt.datetime | None:
    raw = data.get(field)
    if raw in (None, ""):
        if required:
            raise exceptions.ValidationError({field: [_("Enter a date and time (ISO 8601)")]})
        return None
    value = parse_datetime(str(raw)) if isinstance(raw, str) else None
    if value is None:
        raise exceptions.ValidationError(
            {field: [_("Give a date and time in ISO 8601, e.g. 2027-01-15T09:00:00+01:00")]}
        )
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz())
    return value


def busy_problem() -> ProblemResponse:
    response = ProblemResponse(
        status_code=503,
        title=_("Please try again"),
        type_="booking-busy",
        detail=_("Many people are booking right now. Please try again in a moment."),
    )
    response["Retry-After"] = "2"
    return response


def unavailable_problem(exc: services.BookingUnavailable) -> ProblemResponse:
    return ProblemResponse(
        status_code=409, title=_("Not available"), type_=f"booking-{exc.code}", detail=exc.message
    )


def limit_problem(exc: services.BookingLimitReached) -> ProblemResponse:
    response = ProblemResponse(
        status_code=429, title=_("Too many bookings"), type_="booking-limit", detail=exc.message
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@extend_schema(tags=["booking"])
class BookableListView(MunicipalityAPIMixin, generics.ListCreateAPIView):
    """Bookables of a municipality (``?kind=``); hub managers create events and courses."""

    module = MODULE
    serializer_class = BookableSerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [HasMunicipalityPerm(services.PERM_MANAGE)()]
        return [permissions.AllowAny()]

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=Resource.Kind.values, required=False),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        kind = self.request.query_params.get("kind", "")
        if kind and kind not in Resource.Kind.values:
            raise exceptions.ValidationError(
                {
                    "kind": [
                        _("Choose one of: %(kinds)s") % {"kinds": ", ".join(Resource.Kind.values)}
                    ]
                }
            )
        return selectors.bookables(kind=kind)

    @extend_schema(
        request=EventCreateRequest,
        responses={201: inline_serializer("BookableCreated", {"id": serializers.IntegerField()})},
    )
    def post(self, request, municipality: str):
        data = request.data if isinstance(request.data, dict) else {}
        kind = data.get("kind", "event")
        capacity = data.get("capacity")
        if not isinstance(capacity, int) or isinstance(capacity, bool):
            raise exceptions.ValidationError({"capacity": [_("Give the capacity as a number")]})
        if not 1 <= capacity <= MAX_CAPACITY:
            raise exceptions.ValidationError(
                {"capacity": [_("Give a capacity from 1 to 100,000.")]}
            )
        hub_id = data.get("hub")
        if hub_id is not None and (
            not isinstance(hub_id, int) or isinstance(hub_id, bool) or not 1 <= hub_id <= MAX_ID
        ):
            raise exceptions.ValidationError({"hub": [_("There is no hub with this id.")]})
        hub = None
        if data.get("hub") is not None:
            hub = selectors.hub_get(pk=data.get("hub"))
            if hub is None:
                raise exceptions.ValidationError({"hub": [_("There is no hub with this id.")]})
        try:
            resource = services.event_create(
                municipality=self.municipality,
                kind=kind,
                name=str(data.get("name") or ""),
                start=_datetime(data, "start", required=True),
                end=_datetime(data, "end", required=True),
                capacity=capacity,
                waiting_list=bool(data.get("waiting_list", False)),
                hub=hub,
                actor=request.user,
                context=audit_context(request),
            )
        except ValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from None
        return Response({"id": resource.pk}, status=201)


@extend_schema(
    tags=["booking"],
    parameters=[
        OpenApiParameter("from", OpenApiTypes.DATE, required=True),
        OpenApiParameter("to", OpenApiTypes.DATE, required=True),
    ],
    responses={200: FreeResponse},
)
class AvailabilityView(MunicipalityAPIMixin, APIView):
    """Free times of a bookable between two dates (at most 62 days): ``start``, ``end``,
    ``remaining`` places."""

    module = MODULE
    permission_classes = [permissions.AllowAny]

    def get(self, request, municipality: str, pk: int):
        resource = get_object_or_404(selectors.bookables(), pk=pk)
        errors = {}
        start = parse_date(request.query_params.get("from", "") or "")
        end = parse_date(request.query_params.get("to", "") or "")
        if start is None:
            errors["from"] = [_("Give the first day as YYYY-MM-DD")]
        if end is None:
            errors["to"] = [_("Give the last day as YYYY-MM-DD")]
        if not errors and end < start:
            errors["to"] = [_("The last day must not be before the first day")]
        if not errors and (end - start).days >= selectors.MAX_RANGE_DAYS:
            errors["to"] = [
                _("Ask for at most %(days)s days at once") % {"days": selectors.MAX_RANGE_DAYS}
            ]
        if errors:
            raise exceptions.ValidationError(errors)
        free = selectors.availability(resource, start, end)
        return Response(
            [
                {
                    "start": f.start.astimezone(tz()).isoformat(),
                    "end": f.end.astimezone(tz()).isoformat(),
                    "remaining": f.remaining,
                }
                for f in free
            ]
        )


@extend_schema(
    tags=["booking"],
    request=BookingCreateRequest,
    parameters=[IDEMPOTENCY_HEADER],
    responses={201: BookingResponse},
)
class BookingCreateView(MunicipalityAPIMixin, APIView):
    """Book: 201 with the booking (``confirmed``, ``reserved`` while an e-mail confirmation is
    pending, ``waitlisted``); 409 when full without waiting list or taken."""

    module = MODULE
    permission_classes = [permissions.IsAuthenticated]

    def post(self, request, municipality: str):
        data = request.data if isinstance(request.data, dict) else {}
        pk = data.get("bookable")
        if not isinstance(pk, int) or isinstance(pk, bool):
            raise exceptions.ValidationError({"bookable": [_("Give the id of a bookable.")]})
        resource = selectors.bookables(public_only=False).filter(pk=pk).first()
        if resource is None:
            raise exceptions.ValidationError(
                {"bookable": [_("There is no bookable with this id.")]}
            )
        start = _datetime(data, "start")
        end = _datetime(data, "end")
        organisation = None
        if data.get("organisation") is not None:
            organisation = selectors.organisation_of(user=request.user, pk=data["organisation"])
            if organisation is None:
                raise exceptions.ValidationError(
                    {"organisation": [_("You do not act for an organisation with this id.")]}
                )
        answers = data.get("answers") or {}
        if not isinstance(answers, dict):
            raise exceptions.ValidationError({"answers": [_("Send the answers as an object.")]})
        context = audit_context(request)

        def run() -> tuple[int, dict]:
            booking = services.booking_create(
                resource=resource,
                actor=request.user,
                start=start,
                end=end,
                organisation=organisation,
                name=str(data.get("name") or request.user.get_full_name() or ""),
                answers=answers,
                context=context,
            )
            return 201, booking_dict(booking)

        try:
            status_code, body = run_idempotent(
                municipality=self.municipality,
                user=request.user,
                scope="booking.create",
                key=request.headers.get("Idempotency-Key", "").strip(),
                request_hash=body_hash(data),
                run=run,
            )
        except IdempotencyConflict:
            return ProblemResponse(
                status_code=422,
                title=_("Idempotency key reused"),
                type_="idempotency-key-reused",
                detail=_("This Idempotency-Key was used before with a different request."),
            )
        except ValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from None
        except services.BookingUnavailable as exc:
            return unavailable_problem(exc)
        except services.BookingLimitReached as exc:
            return limit_problem(exc)
        except LockBusy:
            return busy_problem()
        return Response(body, status=status_code)


@extend_schema(tags=["booking"], responses={200: BookingResponse})
class BookingDetailView(MunicipalityAPIMixin, APIView):
    """One of your bookings; ``DELETE`` cancels it (the place is free at once)."""

    module = MODULE
    permission_classes = [permissions.IsAuthenticated]

    def _booking(self, request, pk: int) -> Booking:
        return get_object_or_404(selectors.bookings_of(user=request.user), pk=pk)

    def get(self, request, municipality: str, pk: int):
        return Response(booking_dict(self._booking(request, pk)))

    @extend_schema(responses={200: BookingResponse})
    def delete(self, request, municipality: str, pk: int):
        booking = self._booking(request, pk)
        try:
            booking = services.booking_cancel(
                booking=booking, actor=request.user, context=audit_context(request)
            )
        except services.BookingLinkInvalid as exc:
            return ProblemResponse(
                status_code=409, title=_("Cannot cancel"), type_="booking-final", detail=exc.message
            )
        except PermissionDenied:
            raise exceptions.PermissionDenied() from None
        except LockBusy:
            return busy_problem()
        return Response(booking_dict(booking))


MeBookingSerializer = inline_serializer(
    "MeBooking",
    many=True,
    fields={
        "id": serializers.IntegerField(),
        "municipality": serializers.CharField(help_text="Slug of the municipality."),
        "bookable": serializers.IntegerField(),
        "bookable_name": serializers.CharField(),
        "kind": serializers.ChoiceField(Resource.Kind.choices),
        "status": serializers.ChoiceField(Booking.Status.choices),
        "start": serializers.DateTimeField(),
        "end": serializers.DateTimeField(),
        "ics_url": serializers.URLField(),
    },
)


@extend_schema(tags=["me"], responses={200: MeBookingSerializer})
class MeBookingListView(generics.GenericAPIView):
    """Your appointments and bookings in every municipality, newest first (at most 200)."""

    permission_classes = [permissions.IsAuthenticated]

    def get(self, request):
        page = self.paginate_queryset(selectors.me_bookings(user=request.user))
        return self.get_paginated_response(
            [
                {
                    **booking_dict(b),
                    "municipality": b.municipality.slug,
                    "bookable_name": b.resource.name,
                    "kind": b.resource.kind,
                }
                for b in page
            ]
        )
