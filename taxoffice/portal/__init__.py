"""The web portal: pages for taxpayers, officers and managers, served by the same app as the API."""
