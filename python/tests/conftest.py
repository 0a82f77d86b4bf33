"""Shared fixtures: the repository's corpus, an index of its brands, the CLI binary."""

import os
import pathlib
import shutil

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"


def site_html(site, page="index.html"):
    return (CORPUS / "sites" / site / page).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def index_path(tmp_path_factory):
    import clonehound

    path = tmp_path_factory.mktemp("index") / "corpus.idx"
    clonehound.Index.build(CORPUS / "brands.toml").save(path)
    return path


@pytest.fixture(scope="session")
def cli():
    """The `clonehound` binary: $CLONEHOUND, or the workspace's release build."""
    path = os.environ.get("CLONEHOUND") or str(ROOT / "target" / "release" / "clonehound")
    if not os.access(path, os.X_OK):
        path = shutil.which("clonehound")
    if not path:
        pytest.fail("no clonehound binary: build it (cargo build --release) or set CLONEHOUND")
    return path
