from django.http import JsonResponse

from revier.core.health import readiness


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before host checks, sessions and tenancy.

    Load balancers probe by IP address, so these paths must not depend on ALLOWED_HOSTS.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path == "/readyz":
            ok, checks = readiness()
            return JsonResponse(
                {"status": "ok" if ok else "unavailable", "checks": checks},
                status=200 if ok else 503,
            )
        return self.get_response(request)
