"""The local web desk (``greenmine serve``): the library in a browser, on the user's own
machine, for people who never open a terminal.

An optional extra (``pip install greenmine-docs[web]``: Starlette, Uvicorn, python-multipart),
imported only by ``greenmine serve``. Pages are rendered on the server; the one script needs no
build step. Every page calls the library — ``api.validate/build/generate``, ``check``,
``sample``, ``batch`` — in worker processes, and records what it gave in a workspace folder
with a SQLite index (:mod:`.store`). The layers contract keeps the desk above ``api``.
"""
from __future__ import annotations
