"""wirebrief over HTTP: the push endpoint (``POST /api/v1/articles``) and the app that mounts it.

``create_app(settings)`` in :mod:`wirebrief.web.app` builds the FastAPI application that
``wirebrief serve`` runs; further routers (a web UI) are added there. FastAPI is imported only by the
submodules, so importing this package costs nothing.
"""

from __future__ import annotations
