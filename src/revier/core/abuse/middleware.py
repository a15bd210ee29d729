from revier.core.abuse.ratelimit import RateLimited
from revier.core.abuse.responses import rate_limited_response


class RateLimitMiddleware:
    """Turns a :class:`RateLimited` raised by any view into a 429 page (or problem JSON below
    /api/) with ``Retry-After``. DRF views answer through the API's exception handler."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RateLimited):
            return rate_limited_response(request, exception)
        return None
