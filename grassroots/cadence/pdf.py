"""Printable PDFs (WeasyPrint) of cadence pages, with the Chinese font."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """The template rendered to HTML, then to PDF (no network: no external resources)."""
    html = render_to_string(template, context)
    return HTML(string=html, base_url=None).write_pdf()
