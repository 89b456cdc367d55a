"""Pages are Jinja templates given the visitor's language, user and menu; nothing is computed in a template."""

from pathlib import Path
from typing import Any

from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig

from taxoffice.auth.roles import Principal
from taxoffice.portal import formatting
from taxoffice.portal.i18n import Translator, language_of
from taxoffice.portal.navigation import menu_for

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def visitor(request: Request[Any, Any, Any]) -> Principal | None:
    """The logged-in user of this page, if any."""
    user = request.scope.get("user")
    return user if isinstance(user, Principal) else None


def page(request: Request[Any, Any, Any], template: str, *, status_code: int = 200, **context: Any) -> Template:  # noqa: ANN401 - whatever the template shows
    """``template`` rendered for this visitor: ``t`` (its language), ``user``, ``menu`` and ``context``."""
    lang = language_of(request)
    user = visitor(request)
    return Template(
        template_name=template,
        context={
            "t": Translator(lang),
            "lang": lang,
            "user": user,
            "menu": menu_for(user),
            "path": request.url.path,
            "period_label": lambda value: formatting.period(value, lang),
            **context,
        },
        status_code=status_code,
    )


def _configure(engine: JinjaTemplateEngine) -> None:
    engine.engine.filters.update(formatting.FILTERS)
    engine.engine.trim_blocks = True
    engine.engine.lstrip_blocks = True


TEMPLATE_CONFIG = TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=_configure)
