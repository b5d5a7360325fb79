"""Render a chart: every ``*.yaml.j2`` in a directory under ``charts/``, in file-name order, into API objects.

Templates see only the context the component gives them (``StrictUndefined``: a missing value is an error, never
an empty string). Values are written with ``tojson``, so any string lands in YAML quoted and unchanged. A template
that renders to nothing (a ``{% if %}`` that is off) contributes no document.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml

from kubelite.client import Object

CHARTS = Path(__file__).resolve().parents[2] / "charts"


class ChartError(ValueError):
    """A chart does not exist or renders to something that is not a list of API objects."""


@cache
def _environment(chart_dir: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(chart_dir),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # YAML, not HTML: values are quoted with `tojson`
        keep_trailing_newline=True,
    )


def render_chart(
    chart: str, context: Mapping[str, Any], charts: Path = CHARTS, only: Collection[str] | None = None
) -> list[Object]:
    """The objects of ``charts/<chart>`` rendered with ``context``, in the order to apply them; ``only`` names the
    templates to render when not all of them (their context needs only what those templates use)."""
    chart_dir = (charts / chart).resolve()
    if not chart_dir.is_dir():
        raise ChartError(f"chart {chart!r}: no directory {chart_dir}")
    environment = _environment(chart_dir)
    templates = sorted(
        environment.list_templates(
            filter_func=lambda name: name.endswith(".yaml.j2") and (only is None or name in only)
        )
    )
    if not templates:
        raise ChartError(f"chart {chart!r}: no *.yaml.j2 templates in {chart_dir}")
    objects: list[Object] = []
    for template in templates:
        try:
            rendered = environment.get_template(template).render(context)
            documents = list(yaml.safe_load_all(rendered))
        except jinja2.UndefinedError as exc:
            raise ChartError(f"chart {chart!r}, {template}: {exc}") from exc
        except yaml.YAMLError as exc:
            raise ChartError(f"chart {chart!r}, {template}: not valid YAML: {exc}") from exc
        for document in documents:
            if document is None:
                continue
            if not isinstance(document, dict) or not document.get("apiVersion") or not document.get("kind"):
                raise ChartError(f"chart {chart!r}, {template}: a document is not an API object: {document!r:.200}")
            objects.append(document)
    return objects
