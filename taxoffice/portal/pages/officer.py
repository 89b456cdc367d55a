"""The officers' pages, gathered for the portal's router."""

from taxoffice.portal.pages import (
    officer_applications,
    officer_arrears,
    officer_case_forms,
    officer_fines,
    officer_nonfilers,
    officer_payments,
    officer_taxpayers,
)

ROUTES = [
    *officer_applications.ROUTES,
    *officer_taxpayers.ROUTES,
    *officer_arrears.ROUTES,
    *officer_case_forms.ROUTES,
    *officer_payments.ROUTES,
    *officer_nonfilers.ROUTES,
    *officer_fines.ROUTES,
]
