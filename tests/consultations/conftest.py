"""Consultation tests reuse the web harness's fixtures (signed-in HTTP clients, headless Chromium)."""

from tests.web.conftest import analyst_web, chromium, page, web

__all__ = ["analyst_web", "chromium", "page", "web"]
