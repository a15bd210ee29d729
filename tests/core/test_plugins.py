"""The plugin base (revier.core.plugins): typed options, secrets never rendered, a check that
never raises, and the reachability check against a real local HTTP server."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from revier.core.plugins import (
    CheckResult,
    Option,
    Plugin,
    PluginRegistry,
    http_check,
    keep_saved_secrets,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


class Gateway(Plugin):
    label = "Test gateway"
    options = (
        Option("url", "Address", type="url", required=True),
        Option("retries", "Retries", type="int"),
        Option("verbose", "Verbose", type="bool"),
        Option("mode", "Mode", type="choice", choices=(("fast", "Fast"), ("safe", "Safe"))),
        Option("address", "Office", type="email"),
        Option("destination", "Destination", type="uuid"),
        Option("token", "Token", type="secret", required=True),
    )

    def check_config(self, options):
        if options["url"].endswith("/boom"):
            raise RuntimeError("gateway said: quota exceeded")
        if options["url"].endswith("/none"):
            return None
        return CheckResult.success("fine", [options["url"]])


def test_declared_options_give_the_secret_and_required_names():
    assert Gateway.secret_options == ("token",)
    assert Gateway.required_options == ("url", "token")


def test_options_are_cleaned_into_their_types_and_unknown_keys_dropped():
    cleaned = Gateway().clean_options(
        {
            "url": " https://sms.example/send ",
            "retries": "3",
            "verbose": "on",
            "mode": "safe",
            "address": "amt@zeitz.example",
            "destination": "6A5B6C1D-3F1E-4C42-9F0E-0D2B3A4C5D6E",
            "token": " s3cret ",
            "injected": "<script>",
        }
    )
    assert cleaned == {
        "url": "https://sms.example/send",
        "retries": 3,
        "verbose": True,
        "mode": "safe",
        "address": "amt@zeitz.example",
        "destination": "6a5b6c1d-3f1e-4c42-9f0e-0d2b3a4c5d6e",
        "token": " s3cret ",  # secrets are taken as typed
    }


def test_missing_required_and_blank_values_are_refused_by_name():
    with pytest.raises(ValidationError) as error:
        Gateway().clean_options({"url": "", "token": "   "})
    assert error.value.message_dict == {
        "url": ["This option is required."],
        "token": ["This option is required."],
    }


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("url", "ftp://files.example", "“ftp://files.example” is not a valid http(s) URL."),
        ("url", "sms.example", "“sms.example” is not a valid http(s) URL."),
        ("retries", "three", "Enter a whole number."),
        ("retries", True, "Enter a whole number."),
        ("verbose", "maybe", "Enter yes or no."),
        ("mode", "turbo", "“turbo” is not one of the choices."),
        ("address", "amt-at-zeitz", "Enter a valid e-mail address."),
        ("destination", "zeitz-1", "Enter a UUID, e.g. 6a5b6c1d-3f1e-4c42-9f0e-0d2b3a4c5d6e."),
        ("token", {"a": 1}, "Enter a text."),
    ],
)
def test_wrong_types_are_refused_with_a_sentence(name, value, message):
    options = {"url": "https://sms.example", "token": "t", name: value}
    with pytest.raises(ValidationError) as error:
        Gateway().clean_options(options)
    assert error.value.message_dict == {name: [message]}


def test_an_unknown_option_type_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown option type 'float'"):
        Option("x", "X", type="float")
    with pytest.raises(ValueError, match="declares no choices"):
        Option("x", "X", type="choice")


def test_form_fields_follow_the_declaration_and_never_render_a_secret():
    class OptionsForm(forms.Form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields.update(Gateway().form_fields(saved_secrets={"token"}))

    form = OptionsForm(initial={"url": "https://sms.example", "token": "s3cret-value"})
    assert list(form.fields) == [
        "url",
        "retries",
        "verbose",
        "mode",
        "address",
        "destination",
        "token",
    ]
    assert isinstance(form.fields["url"], forms.URLField)
    assert isinstance(form.fields["retries"], forms.IntegerField)
    assert isinstance(form.fields["verbose"], forms.BooleanField)
    assert form.fields["url"].required is True
    # Saved: the field may stay empty, says so, and never shows the value.
    assert form.fields["token"].required is False
    assert "Saved — leave empty to keep it." in form.fields["token"].help_text
    html = str(form["token"])
    assert 'type="password"' in html and "s3cret-value" not in html
    assert 'value="https://sms.example"' in str(form["url"])

    unsaved = Gateway().form_fields()
    assert unsaved["token"].required is True
    assert "leave empty" not in str(unsaved["token"].help_text)
    assert Gateway().initial({"url": "https://sms.example", "token": "x"}) == {
        "url": "https://sms.example"
    }


def test_split_and_keep_saved_secrets():
    plugin = Gateway()
    assert plugin.split_secrets({"url": "https://a.example", "token": "t"}) == (
        {"url": "https://a.example"},
        {"token": "t"},
    )
    assert keep_saved_secrets(plugin, {"url": "u", "token": ""}, {"token": "old"}) == {
        "url": "u",
        "token": "old",
    }
    assert keep_saved_secrets(plugin, {"token": "new"}, {"token": "old"}) == {"token": "new"}


def test_a_raising_check_gives_the_reason_not_a_traceback(caplog):
    with caplog.at_level(logging.ERROR, logger="revier.plugins"):
        result = Gateway().check_config({"url": "https://sms.example/boom", "token": "t"})
    assert result == CheckResult(
        ok=False, message="The check failed.", details=["gateway said: quota exceeded"]
    )
    assert "Traceback" not in result.text()
    # The traceback goes to the log, for the operator.
    [record] = caplog.records
    assert record.exc_info[0] is RuntimeError


def test_invalid_saved_options_fail_the_check_with_the_fields_named():
    result = Gateway().check_config({"url": "not a url"})
    assert not result.ok
    assert result.message == "The configuration is incomplete or invalid."
    assert result.details == [
        "url: “not a url” is not a valid http(s) URL.",
        "token: This option is required.",
    ]


def test_a_check_without_an_answer_fails_and_a_good_one_passes():
    assert Gateway().check_config({"url": "https://a.example/none", "token": "t"}) == CheckResult(
        ok=False, message="The check gave no answer."
    )
    assert Gateway().check_config({"url": "https://a.example/", "token": "t"}).ok


def test_a_local_plugin_is_ok_and_says_what_it_does():
    class Local(Plugin):
        label = "Local"
        description = "Writes everything to the log."

    result = Local().check_config({})
    assert result.ok
    assert result.details == ["Writes everything to the log."]


def test_registry_sets_the_id_and_refuses_a_second_plugin_with_it():
    registry: PluginRegistry[Plugin] = PluginRegistry("test")

    @registry("gw")
    class Registered(Gateway):
        pass

    assert registry.get("gw").id == "gw"
    assert registry.choices() == [("gw", "Test gateway")]
    with pytest.raises(ValueError, match="already exists"):
        registry("gw")(Gateway)


# --- against a real local server ----------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/ok":
            body, status = json.dumps({"status": "up"}).encode(), 200
        else:
            body, status = b"gone", 404
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def local_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_http_check_reachable_refused_and_unreachable(local_server):
    ok = http_check(f"{local_server}/ok", what="The gateway")
    assert (ok.ok, ok.message, ok.details) == (
        True,
        "The gateway answers.",
        [f"{local_server}/ok: HTTP 200"],
    )

    bad = http_check(f"{local_server}/missing", what="The gateway")
    assert (bad.ok, bad.message) == (False, "The gateway answers, but not as expected.")
    assert bad.details == [f"{local_server}/missing: It answered with HTTP status 404."]

    # A port nobody listens on (the server's, after it stopped is racy: use port 9 "discard").
    down = http_check("http://127.0.0.1:9/", what="The gateway")
    assert (down.ok, down.message) == (False, "The gateway is not reachable.")
    assert down.details[0].startswith("http://127.0.0.1:9/: ConnectError:")
