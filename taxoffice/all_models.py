"""Imports every domain's tables, so that the metadata is complete (alembic, create_app)."""

from filings import models as filings_models
from registry import models as registry_models
from taxoffice.accounts import models as accounts_models
from taxoffice.accounts import order_models as payment_order_models
from taxoffice.arrears import models as arrears_models
from taxoffice.auth import models as auth_models
from taxoffice.db import metadata
from taxoffice.jobruns import models as jobruns_models
from taxoffice.mail import models as mail_models
from taxoffice.recovery import models as recovery_models
from taxoffice.reports import models as reports_models
from taxoffice.workdays import models as workdays_models

__all__ = [
    "accounts_models",
    "arrears_models",
    "auth_models",
    "filings_models",
    "jobruns_models",
    "mail_models",
    "metadata",
    "payment_order_models",
    "recovery_models",
    "registry_models",
    "reports_models",
    "workdays_models",
]
