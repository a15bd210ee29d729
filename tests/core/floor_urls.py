"""The platform's URLs with the benchmark's floor mounted (REVIER_BENCHMARK_FLOOR=1)."""

from django.urls import path

from revier.config.urls import *  # noqa: F403
from revier.config.urls import urlpatterns as _platform
from revier.core.views import bench_floor

urlpatterns = [*_platform, path("_bench/floor", bench_floor)]
