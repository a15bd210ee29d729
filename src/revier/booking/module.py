"""What the booking module contributes to the platform (see ``revier.core.kit``)."""

from django.utils.translation import gettext_lazy as _

from revier.core.kit import (
    AuditEvent,
    BackofficeGroup,
    BackofficeSection,
    Contributions,
    DemoStep,
    HomeBlock,
    Module,
    NotificationEvent,
    PeriodicTask,
    Permission,
    PersonalDataProvider,
    ProcessingActivity,
    Role,
    TaskRoute,
    UrlMount,
)

HUB_MANAGERS = ("administrator", "hub_manager")
COUNTER = ("administrator", "hub_manager", "counter_staff")


def contributions() -> Contributions:
    from revier.notifications.events import default_body

    return Contributions(
        audit_events=[
            AuditEvent("booking.created", _("Booked (status %(status)s)")),
            AuditEvent("booking.confirmed", _("Confirmed the booking")),
            AuditEvent("booking.cancelled", _("Cancelled the booking")),
            AuditEvent("booking.offered", _("Offered a place from the waiting list")),
            AuditEvent("booking.expired", _("The booking expired")),
            AuditEvent("booking.checked_in", _("Checked in")),
            AuditEvent("booking.released", _("Released: not checked in")),
            AuditEvent("booking.marked_arrived", _("Marked as arrived")),
            AuditEvent("booking.marked_no_show", _("Marked as not arrived")),
            AuditEvent("booking.resource_created", _("Created the resource (%(kind)s)")),
            AuditEvent("booking.contingent_set", _("Set a contingent of %(desks)s desks")),
            AuditEvent(
                "booking.anonymised",
                _("Anonymised %(count)s bookings after their retention period"),
            ),
            AuditEvent("booking.day_list_viewed", _("Viewed the day list of %(date)s")),
        ],
        roles=[
            Role(
                "counter_staff",
                _("counter staff"),
                45,
                _("Sees the day's appointments at the counter, records arrival and no-show."),
            ),
        ],
        modules=[
            Module(
                key="booking",
                label=_("Appointments and bookings"),
                url_name="booking:index",
                description=_(
                    "Appointments at the town hall, desks and rooms in the Digital Hub, events "
                    "and courses."
                ),
            )
        ],
        permissions=[
            Permission(
                "booking.manage_hub",
                _("Manage hubs, desks, rooms, contingents, events and courses"),
                HUB_MANAGERS,
            ),
            Permission(
                "booking.counter",
                _("See the day's appointments and bookings, record arrival and no-show"),
                COUNTER,
            ),
        ],
        backoffice_groups=[BackofficeGroup("booking", _("Appointments and hub"), 40)],
        backoffice_sections=[
            BackofficeSection(
                "booking_day",
                _("Today's appointments"),
                "booking_backoffice:day",
                "booking.counter",
                _("The day list of the counter: arrival and no-show."),
                group="booking",
                order=10,
                module="booking",
            ),
        ],
        notification_events=[
            NotificationEvent(
                "booking_confirm",
                _("Booking: please confirm"),
                _("Please confirm your booking: {reference}"),
                default_body(
                    _(
                        "You have reserved “{service}” ({reference}). The place is held for you "
                        "for a short time: open the link to confirm the booking."
                    )
                ),
                _("{municipality}: please confirm your booking {reference}: {link}"),
            ),
            NotificationEvent(
                "booking_confirmed",
                _("Booking confirmed"),
                _("Your booking is confirmed: {reference}"),
                default_body(
                    _(
                        "Your booking of “{service}” ({reference}) is confirmed. Under the link "
                        "you can add it to your calendar or cancel it."
                    )
                ),
                _("{municipality}: booking confirmed: {reference}. {link}"),
            ),
            NotificationEvent(
                "booking_requested",
                _("Booking requested"),
                _("Your booking request: {reference}"),
                default_body(
                    _(
                        "We have received your request for “{service}” ({reference}). You will "
                        "hear from us when it has been approved."
                    )
                ),
                _("{municipality}: booking request received: {reference}. {link}"),
            ),
            NotificationEvent(
                "booking_waitlisted",
                _("On the waiting list"),
                _("You are on the waiting list: {reference}"),
                default_body(
                    _(
                        "“{service}” ({reference}) is fully booked. You are on the waiting list; "
                        "when a place becomes free, we offer it to you by e-mail."
                    )
                ),
                _("{municipality}: on the waiting list for {reference}. {link}"),
            ),
            NotificationEvent(
                "booking_offer",
                _("Place offered from the waiting list"),
                _("A place is free for you: {reference}"),
                default_body(
                    _(
                        "A place for “{service}” ({reference}) has become free and is held for "
                        "you for a short time. Open the link to take it."
                    )
                ),
                _("{municipality}: a place is free for you: {reference}. {link}"),
            ),
            NotificationEvent(
                "booking_cancelled",
                _("Booking cancelled"),
                _("Your booking is cancelled: {reference}"),
                default_body(_("Your booking of “{service}” ({reference}) is cancelled.")),
                _("{municipality}: booking cancelled: {reference}."),
            ),
            NotificationEvent(
                "booking_reminder",
                _("Booking reminder"),
                _("Reminder: {reference}"),
                default_body(_("This is a reminder of your booking of “{service}” ({reference}).")),
                _("{municipality}: reminder of your booking {reference}. {link}"),
            ),
        ],
        processing_activities=[
            ProcessingActivity(
                order=60,
                key="booking",
                name=_("Appointments and bookings"),
                purpose=_(
                    "Booking appointments at the town hall, desks and rooms of the Digital Hub, "
                    "places at events and courses; confirming, reminding, checking in."
                ),
                data_categories=_(
                    "Name, e-mail address, the organisation you book for, the booked time and "
                    "place, answers to registration questions, check-in time."
                ),
                legal_basis=_(
                    "Art. 6 (1) (e) GDPR (public task: appointments and the municipality's "
                    "services); Art. 6 (1) (b) GDPR for desks, rooms and courses you book."
                ),
                retention=_(
                    "Town-hall appointments are anonymised the day after the appointment; "
                    "desk, room, event and course bookings after 12 months."
                ),
                recipients=_("Staff of the town hall or the hub who serve you."),
                module="booking",
            )
        ],
        personal_data=[
            PersonalDataProvider(
                "booking",
                _("Appointments and bookings"),
                export="revier.booking.personal_data.export",
                erase="revier.booking.personal_data.erase",
                municipalities="revier.booking.personal_data.municipalities",
                pdf_template="booking/personal_data_pdf.html",
                order=60,
            )
        ],
        task_routes=[
            TaskRoute("revier.booking.tasks.sweep", "background"),
            TaskRoute("revier.booking.tasks.sweep_municipality", "background"),
            TaskRoute("revier.booking.tasks.retention", "background"),
            TaskRoute("revier.booking.tasks.retention_municipality", "background"),
        ],
        periodic_tasks=[
            # Holds and waiting-list offers expire, no-shows are released, slots materialised.
            PeriodicTask("booking-sweep", "revier.booking.tasks.sweep", 60.0),
            PeriodicTask("booking-retention", "revier.booking.tasks.retention", 3600.0),
        ],
        urls=[
            UrlMount("termine/", "revier.booking.urls"),
            UrlMount("konto/", "revier.booking.urls_account", order=60),
            UrlMount("backoffice/termine/", "revier.booking.urls_backoffice"),
            UrlMount("", "revier.booking.urls_api", site="api"),
        ],
        demo=[DemoStep("booking", "revier.booking.demo.load", order=60)],
        home_blocks=[
            HomeBlock(
                "booking",
                "booking/_home_block.html",
                "revier.booking.selectors.home_block",
                40,
                "booking",
            )
        ],
    )
