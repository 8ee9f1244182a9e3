"""A sphinx-gallery image scraper for scripts that save their pictures to files.

The example scripts write PNG/GIF files into the folder given as their first argument (as a user
runs them, and as the README's images are made); this scraper copies what a script wrote into
the gallery, so the page shows exactly the file the script produced.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sphinx_gallery.scrapers import figure_rst

SUFFIXES = {".png", ".gif", ".svg"}


def saved_files(block: Any, block_vars: dict[str, Any], gallery_conf: dict[str, Any]) -> str:
    """Move the pictures the script block wrote into the gallery and return their rST."""
    out = Path(gallery_conf["src_dir"]) / "_build" / "gallery-out"
    out.mkdir(parents=True, exist_ok=True)
    written = sorted(p for p in out.iterdir() if p.suffix in SUFFIXES)
    if not written:
        return ""
    paths = []
    names = block_vars["image_path_iterator"]
    for src in written:
        dest = Path(next(names)).with_suffix(src.suffix)
        shutil.move(src, dest)
        paths.append(str(dest))
    return figure_rst(paths, gallery_conf["src_dir"])
