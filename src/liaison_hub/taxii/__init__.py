"""TAXII 2.1 server (OASIS Standard, 10 June 2021): a thin adapter over ``intel.service``.

Mounted by ``app.py`` at ``/taxii2``: discovery at ``/taxii2/``, the one API root at ``/taxii2/<taxii_api_root>/``
(setting ``LIAISON_TAXII_API_ROOT``, default ``hub``). See ``docs/taxii.md``.
"""

from liaison_hub.taxii.app import create_taxii_app

__all__ = ["create_taxii_app"]
