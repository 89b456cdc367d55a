"""The portal's pages, one module per area; each module lists its handlers in ``ROUTES``."""
