from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class GermanFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are German unless the person chose another language with the language switch.

    A German public service speaks German first; the browser's Accept-Language header does not
    change that (it often says English on German machines). The choice is kept in the language
    cookie. API clients (``/api/``) still negotiate with Accept-Language, as HTTP intends.
    """

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
        return None
