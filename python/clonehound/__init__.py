"""clonehound: finds websites cloned to impersonate legitimate firms.

Fingerprint pages, compare a suspect with a brand's site, or scan pages against an
index of protected brands, one page at a time or as Arrow record batches::

    import clonehound

    legit = clonehound.fingerprint(open("acme.html").read(), url="https://acme.com/")
    suspect = clonehound.fingerprint(page_html, url="http://acme-login.example/")
    result = clonehound.compare(legit, suspect, brand="Acme", domains=["acme.com"])
    print(result.score, result.verdict, result.evidence)

Every call releases the GIL while it works; errors are ``ClonehoundError`` (a
``ValueError``) or ``OSError``, with the library's messages.
"""

from ._clonehound import (
    FORMAT_VERSION,
    MAX_SITE_PAGES,
    ClonehoundError,
    Comparison,
    Fingerprint,
    Index,
    __version__,
    compare,
    fingerprint,
    is_html,
    warc_suspect,
)

__all__ = [
    "FORMAT_VERSION",
    "MAX_SITE_PAGES",
    "ClonehoundError",
    "Comparison",
    "Fingerprint",
    "Index",
    "__version__",
    "compare",
    "fingerprint",
    "is_html",
    "warc_suspect",
]
