"""The base of every pluggable integration (ADR 0007, ADR 0027): delivery routes, payment
providers, SMS gateways, identity providers.

A plugin declares

- ``id`` (set by ``@register``, stored in the database, never changes) and ``label``;
- ``options``: typed ``Option`` fields (str, int, bool, url, email, choice, secret), required or
  optional, with help text. ``clean_options`` validates a stored or submitted dict against them,
  ``form_fields`` renders them as Django form fields for the back office. Secret options are
  sealed at rest (``revier.core.crypto``) by the owning service and never rendered back: the form
  field stays empty and says that a value is saved;
- ``check_config(options)``: does the saved configuration work? The back office shows it as
  "Verbindung testen". It never raises to its caller: an exception inside a plugin's check becomes
  a failed ``CheckResult`` with a readable reason, the traceback goes to the log only.

Base layer: imports no domain app.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import httpx
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revier.core.registry import PluginRegistry, UnknownPlugin

__all__ = [
    "CheckResult",
    "Configured",
    "Option",
    "Plugin",
    "PluginRegistry",
    "UnknownPlugin",
    "check_saved",
    "configured_plugins",
    "http_check",
    "keep_saved_secrets",
    "read_options",
    "saved_secret_names",
]

logger = logging.getLogger("revier.plugins")

TYPES = ("str", "int", "bool", "url", "email", "uuid", "choice", "secret")
SAVED_SECRET_HELP = gettext_lazy("Saved — leave empty to keep it.")
# A check talks to a system while a member of staff waits for the page: short timeouts.
CHECK_TIMEOUT = httpx.Timeout(8.0, connect=4.0)
MAX_DETAIL = 300

_url = URLValidator(schemes=["https", "http"])


@dataclass(frozen=True)
class Option:
    """One typed option of a plugin."""

    name: str
    label: Any
    type: str = "str"
    required: bool = False
    help_text: Any = ""
    choices: tuple[tuple[str, Any], ...] = ()
    max_length: int = 500
    # Replaces the type's own error message where a plugin can say it better.
    invalid_message: Any = ""

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"Unknown option type {self.type!r}; known are {TYPES}.")
        if self.type == "choice" and not self.choices:
            raise ValueError(f"The choice option {self.name!r} declares no choices.")

    @property
    def secret(self) -> bool:
        return self.type == "secret"

    def clean(self, value):
        """The value in its type, or ``ValidationError``. ``None`` for an empty optional value."""
        try:
            return self._clean(value)
        except ValidationError as exc:
            if self.invalid_message and exc.code != "required":
                raise ValidationError(self.invalid_message, code=exc.code) from None
            raise

    def _clean(self, value):
        blank = isinstance(value, str) and not value.strip()
        if value is None or blank or (self.type != "bool" and value is False):
            if self.type == "bool":
                return False
            if self.required:
                raise ValidationError(_("This option is required."), code="required")
            return None
        if self.type == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "on", "yes", "ja"):
                return True
            if text in ("0", "false", "off", "no", "nein"):
                return False
            raise ValidationError(_("Enter yes or no."), code="bool")
        if self.type == "int":
            if isinstance(value, bool):
                raise ValidationError(_("Enter a whole number."), code="int")
            try:
                return int(str(value).strip())
            except ValueError:
                raise ValidationError(_("Enter a whole number."), code="int") from None
        if not isinstance(value, str | int):
            raise ValidationError(_("Enter a text."), code="str")
        text = str(value) if self.secret else str(value).strip()
        if len(text) > self.max_length:
            raise ValidationError(
                _("At most %(max)d characters.") % {"max": self.max_length}, code="max_length"
            )
        if self.type == "url":
            try:
                _url(text)
            except ValidationError:
                raise ValidationError(
                    _("“%(value)s” is not a valid http(s) URL.") % {"value": text}, code="url"
                ) from None
        elif self.type == "email":
            try:
                validate_email(text)
            except ValidationError:
                raise ValidationError(_("Enter a valid e-mail address."), code="email") from None
        elif self.type == "uuid":
            try:
                text = str(uuid.UUID(text))
            except ValueError:
                raise ValidationError(
                    _("Enter a UUID, e.g. 6a5b6c1d-3f1e-4c42-9f0e-0d2b3a4c5d6e."), code="uuid"
                ) from None
        elif self.type == "choice" and text not in {key for key, _label in self.choices}:
            raise ValidationError(
                _("“%(value)s” is not one of the choices.") % {"value": text}, code="choice"
            )
        return text

    def form_field(self, *, saved: bool = False, required: bool | None = None) -> forms.Field:
        """The back-office field. A saved secret is never rendered: the field stays empty."""
        required = self.required if required is None else required
        common = {"label": self.label, "help_text": self.help_text}
        if self.type == "bool":
            return forms.BooleanField(
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "kern-form-check__checkbox"}),
                **common,
            )
        if self.type == "int":
            return forms.IntegerField(required=required, **common)
        if self.type == "choice":
            choices = list(self.choices) if required else [("", "—"), *self.choices]
            return forms.ChoiceField(required=required, choices=choices, **common)
        if self.type == "url":
            return forms.URLField(
                required=required, assume_scheme="https", max_length=self.max_length, **common
            )
        if self.type == "email":
            return forms.EmailField(required=required, max_length=self.max_length, **common)
        if self.secret:
            if saved:
                common["help_text"] = " ".join(
                    str(text) for text in (self.help_text, SAVED_SECRET_HELP) if text
                )
            return forms.CharField(
                required=required and not saved,
                strip=False,
                max_length=self.max_length,
                widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
                **common,
            )
        return forms.CharField(required=required, max_length=self.max_length, **common)


@dataclass(frozen=True)
class CheckResult:
    """The answer to "does this configuration work?", for staff: no stack traces."""

    ok: bool
    message: str
    details: list[str] = field(default_factory=list)

    @classmethod
    def success(cls, message, details: Iterable[str] = ()) -> CheckResult:
        return cls(ok=True, message=str(message), details=[str(d) for d in details])

    @classmethod
    def failure(cls, message, details: Iterable[str] = ()) -> CheckResult:
        return cls(ok=False, message=str(message), details=[str(d) for d in details])

    def text(self) -> str:
        """One line for a message or a terminal."""
        return " ".join([self.message, *self.details])


def _reason(exc: BaseException) -> str:
    """What went wrong, for staff: the exception's own words, bounded, without the traceback."""
    if isinstance(exc, ValidationError):
        text = " ".join(exc.messages)
    else:
        text = str(exc).strip() or type(exc).__name__
    return text[:MAX_DETAIL]


def _never_raising(check: Callable) -> Callable:
    @functools.wraps(check)
    def wrapper(self, options: dict) -> CheckResult:
        try:
            options = self.clean_options(dict(options or {}))
        except ValidationError as exc:
            return CheckResult.failure(
                _("The configuration is incomplete or invalid."), _field_errors(exc)
            )
        except Exception as exc:  # a check must never raise to the page
            logger.exception("Options of plugin %s could not be read", self.id)
            return CheckResult.failure(_("The configuration could not be read."), [_reason(exc)])
        try:
            result = check(self, options)
        except Exception as exc:  # the reason is shown, the traceback logged
            logger.exception("Check of plugin %s failed", self.id)
            return CheckResult.failure(_("The check failed."), [_reason(exc)])
        if not isinstance(result, CheckResult):
            logger.error("Check of plugin %s returned %r, not a CheckResult", self.id, result)
            return CheckResult.failure(_("The check gave no answer."))
        return result

    wrapper.never_raises = True
    return wrapper


def _field_errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{name}: {' '.join(ValidationError(errors).messages)}"
            for name, errors in exc.error_dict.items()
        ]
    return list(exc.messages)


class Plugin:
    """Base of every plugin kind (``DeliveryPlugin``, ``PaymentPlugin``, ``SmsPlugin``, ...)."""

    id: str = ""  # set by @register
    label: Any = ""
    # One sentence saying what the plugin does; the check of a local plugin answers with it.
    description: Any = ""
    options: ClassVar[tuple[Option, ...]] = ()
    # Derived from ``options`` for every subclass (kept as attributes: services read them).
    secret_options: ClassVar[tuple[str, ...]] = ()
    required_options: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        names = [option.name for option in cls.options]
        if len(names) != len(set(names)):
            raise ValueError(f"{cls.__name__} declares an option twice: {names}")
        cls.secret_options = tuple(o.name for o in cls.options if o.secret)
        cls.required_options = tuple(o.name for o in cls.options if o.required)
        # Whatever a subclass writes in check_config, its callers get a result, never an error.
        if "check_config" in cls.__dict__ and not getattr(
            cls.__dict__["check_config"], "never_raises", False
        ):
            cls.check_config = _never_raising(cls.__dict__["check_config"])

    # --- options ---------------------------------------------------------------------------

    def option(self, name: str) -> Option:
        for option in self.options:
            if option.name == name:
                return option
        raise KeyError(name)

    def clean_options(self, options: dict) -> dict:
        """The declared options in their types (unknown keys dropped, empty optional ones left
        out), or ``ValidationError`` keyed by option name."""
        cleaned, errors = {}, {}
        for option in self.options:
            try:
                value = option.clean(options.get(option.name))
            except ValidationError as exc:
                errors[option.name] = exc
                continue
            if value is not None:
                cleaned[option.name] = value
        if errors:
            raise ValidationError(errors)
        return cleaned

    def split_secrets(self, cleaned: dict) -> tuple[dict, dict]:
        """``(public options, secrets)``: secrets go sealed into their own column."""
        public = {k: v for k, v in cleaned.items() if k not in self.secret_options}
        secrets = {k: v for k, v in cleaned.items() if k in self.secret_options}
        return public, secrets

    def form_fields(
        self, *, saved_secrets: Iterable[str] = (), required: bool | None = None
    ) -> dict[str, forms.Field]:
        """Form fields of the options, in declaration order. ``saved_secrets``: secrets that
        have a saved value (their field may stay empty); ``required=False`` where the plugin is
        chosen in the same form (the service checks the chosen plugin's options)."""
        saved = set(saved_secrets)
        return {
            o.name: o.form_field(saved=o.name in saved, required=required) for o in self.options
        }

    def initial(self, options: dict) -> dict:
        """Initial form values of saved options: never a secret."""
        return {k: v for k, v in options.items() if k not in self.secret_options}

    # --- check -----------------------------------------------------------------------------

    def check_config(self, options: dict) -> CheckResult:
        """Does the configuration work? Plugins that talk to a system override this; a local
        plugin works as soon as it is chosen."""
        return CheckResult.success(
            _("Works on this installation, nothing to connect to."),
            [self.description] if self.description else [],
        )


Plugin.check_config = _never_raising(Plugin.__dict__["check_config"])


def keep_saved_secrets(plugin: Plugin, given: dict, saved: dict) -> dict:
    """``given`` with each secret left empty replaced by the saved one (the form never shows a
    saved secret, so an empty field means "keep it")."""
    merged = dict(given)
    for name in plugin.secret_options:
        if not merged.get(name) and saved.get(name):
            merged[name] = saved[name]
    return merged


def http_check(
    url: str,
    *,
    what,
    method: str = "GET",
    expect: Callable[[httpx.Response], str | None] | None = None,
    **kwargs,
) -> CheckResult:
    """Ask ``url`` and say whether ``what`` answered as expected. ``expect`` returns a problem
    (a sentence) or None; without it any answer below 400 is fine."""
    try:
        response = httpx.request(method, url, timeout=CHECK_TIMEOUT, **kwargs)
    except httpx.HTTPError as exc:
        return CheckResult.failure(
            _("%(what)s is not reachable.") % {"what": what},
            [f"{url}: {type(exc).__name__}: {_reason(exc)}"],
        )
    if expect is not None:
        problem = expect(response)
    elif response.status_code >= 400:
        problem = _("It answered with HTTP status %(status)d.") % {"status": response.status_code}
    else:
        problem = None
    if problem:
        return CheckResult.failure(
            _("%(what)s answers, but not as expected.") % {"what": what}, [f"{url}: {problem}"]
        )
    return CheckResult.success(
        _("%(what)s answers.") % {"what": what},
        [f"{url}: HTTP {response.status_code}"],
    )


# --- configured plugins, for `revier check-plugins` ---------------------------------------------


@dataclass(frozen=True)
class Configured:
    """One saved configuration of a plugin: whose it is, the plugin and its unsealed options."""

    kind: str
    owner: str  # the municipality's slug, or "platform"
    name: str  # what is configured, e.g. "route 99123456760000"
    plugin: Plugin
    options: dict
    # Why the options could not be read (e.g. sealed with a SECRET_KEY that is gone).
    error: str = ""

    def check(self) -> CheckResult:
        if self.error:
            return CheckResult.failure(_("The configuration could not be read."), [self.error])
        return self.plugin.check_config(self.options)


def read_options(read: Callable[..., dict], *args, **kwargs) -> tuple[dict, str]:
    """``(read(...), "")``, or ``({}, reason)`` when the saved options cannot be unsealed."""
    try:
        return read(*args, **kwargs), ""
    except ValueError as exc:
        return {}, _reason(exc)


def check_saved(plugin: Plugin, read: Callable[..., dict], *args, **kwargs) -> CheckResult:
    """``check_config`` of the options ``read(...)`` returns (unsealed from the database); a
    failed result when they cannot be unsealed."""
    options, error = read_options(read, *args, **kwargs)
    if error:
        return CheckResult.failure(_("The configuration could not be read."), [error])
    return plugin.check_config(options)


def saved_secret_names(plugin: Plugin | None, secrets_sealed: str) -> tuple[str, ...]:
    """The plugin's secrets that count as saved (without unsealing them for a form)."""
    return plugin.secret_options if plugin is not None and secrets_sealed else ()


_sources: list[Callable[[], Iterable[Configured]]] = []


def configured_source(function: Callable[[], Iterable[Configured]]):
    """Register a function that yields every saved configuration of one kind (in every
    municipality). Apps do this in their ``plugin_configs`` module."""
    _sources.append(function)
    return function


def configured_plugins() -> Iterator[Configured]:
    from django.utils.module_loading import autodiscover_modules

    # The apps' ``plugin_configs`` modules register their sources on import.
    autodiscover_modules("plugin_configs")
    for source in _sources:
        yield from source()
