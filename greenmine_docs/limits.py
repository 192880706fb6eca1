"""Input limits, in one place. Each can be changed with an environment variable
(``GREENMINE_MAX_INPUT_MB`` …) for provinces with unusually large files."""
from __future__ import annotations

import os


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


MAX_INPUT_BYTES = int(_env_number("GREENMINE_MAX_INPUT_MB", 20) * 1024 * 1024)
"""Largest YAML/Markdown/Excel input read at all."""

MAX_YAML_NODES = int(_env_number("GREENMINE_MAX_YAML_NODES", 500_000))
"""Largest number of values in one YAML document after alias expansion (billion-laughs guard)."""

MAX_YAML_DEPTH = int(_env_number("GREENMINE_MAX_YAML_DEPTH", 64))
"""Deepest nesting of mappings/lists accepted in YAML."""

MAX_ZIP_ENTRIES = int(_env_number("GREENMINE_MAX_ZIP_ENTRIES", 5000))
"""Most members an .xlsx/.docx package may have."""

MAX_ZIP_UNCOMPRESSED = int(_env_number("GREENMINE_MAX_ZIP_UNCOMPRESSED_MB", 500) * 1024 * 1024)
"""Largest total uncompressed size of an .xlsx/.docx package."""

MAX_ZIP_RATIO = _env_number("GREENMINE_MAX_ZIP_RATIO", 200)
"""Largest compression ratio of one member (a zip bomb compresses far better than any XML)."""

MAX_IMAGE_BYTES = int(_env_number("GREENMINE_MAX_IMAGE_MB", 30) * 1024 * 1024)
MAX_IMAGE_PIXELS = int(_env_number("GREENMINE_MAX_IMAGE_MEGAPIXELS", 100) * 1_000_000)
