"""Type stubs of clonehound's extension module."""

from os import PathLike
from typing import Any, Optional, Sequence, Union

Html = Union[str, bytes]
StrPath = Union[str, "PathLike[str]"]

FORMAT_VERSION: int
"""The fingerprint format version this build reads and writes."""
MAX_SITE_PAGES: int
"""Most pages one suspect site holds by default; more go on as `#part2`, …."""
__version__: str

class ClonehoundError(ValueError):
    """An input clonehound refuses: a page over a size limit, a damaged index, a bad
    brands file or batch. The message is the library's."""

class Fingerprint:
    """A site's fingerprint: what is compared, stored and exchanged (versioned JSON,
    identical across runs, threads and platforms)."""

    @staticmethod
    def from_path(path: StrPath) -> "Fingerprint":
        """Reads a site directory (its HTML pages and favicon) or one HTML file."""
    @staticmethod
    def from_json(json: str) -> "Fingerprint":
        """A fingerprint from its JSON; another format version raises ClonehoundError."""
    def to_json(self) -> str:
        """The fingerprint as JSON (also how it pickles)."""
    @property
    def version(self) -> int:
        """The format version."""
    @property
    def pages(self) -> int:
        """Pages fingerprinted."""
    @property
    def pivots(self) -> dict[str, Any]:
        """Digests an analyst pivots on: title, site_name, analytics, form_actions,
        hosts, link_hosts, emails, svg_logos, logo_images, favicon (mmh3, md5, sha256)."""

def fingerprint(html: Html, url: Optional[str] = None) -> Fingerprint:
    """Fingerprints one page; bytes are decoded by the HTML standard's charset rules."""

class Comparison:
    """A suspect compared with a brand's site."""

    @property
    def score(self) -> float:
        """The calibrated score in [0, 1]."""
    @property
    def verdict(self) -> str:
        """"rebrand", "impersonation" or "none"."""
    @property
    def copy(self) -> float:
        """The copy side: content shared with the brand's page."""
    @property
    def impersonation(self) -> float:
        """The impersonation side: the brand's identity on a page it does not own."""
    @property
    def brand(self) -> str:
        """The brand's name."""
    @property
    def domains(self) -> list[str]:
        """The domains the brand owns."""
    @property
    def signals(self) -> dict[str, Any]:
        """The pair's similarities, signal by signal."""
    @property
    def evidence(self) -> list[dict[str, str]]:
        """Evidence, most telling first: {"signal": ..., "detail": ...}."""
    @property
    def legit_page(self) -> Optional[str]:
        """The brand's page the suspect is closest to."""
    @property
    def suspect_page(self) -> Optional[str]:
        """The suspect's page closest to it."""
    def to_json(self) -> str:
        """The whole comparison as JSON."""
    def to_dict(self) -> dict[str, Any]:
        """The whole comparison as a dict."""

def compare(
    legit: Union[Fingerprint, Html],
    suspect: Union[Fingerprint, Html],
    brand: Optional[str] = None,
    domains: Sequence[str] = (),
    aliases: Sequence[str] = (),
) -> Comparison:
    """Compares a suspect with a brand's site; the brand's identity (name, owned
    domains, aliases) is an input, read off `legit` when left out."""

class Index:
    """Protected brands, indexed for scans. Not picklable: ship the saved file and
    load it once per worker."""

    @staticmethod
    def build(brands_toml: StrPath) -> "Index":
        """Builds an index from a brands file (TOML)."""
    @staticmethod
    def load(path: StrPath) -> "Index":
        """Loads a saved index (tables in memory, brand records read on demand)."""
    def save(self, path: StrPath) -> None:
        """Writes the index atomically."""
    @property
    def brands(self) -> list[dict[str, Any]]:
        """The brands: name, domains, aliases."""
    def __len__(self) -> int: ...
    def query(self, html: Html, url: Optional[str] = None, top: int = 3) -> list[Comparison]:
        """The brands one page resembles, best first, whatever their verdict."""
    def scan_batch(self, batch: Any, top: int = 3, evidence: int = 3, all: bool = False) -> Any:
        """Scans a pyarrow.RecordBatch (html; optional url, content_type, site) and
        returns a pyarrow.RecordBatch of findings, one row per reported match."""

def warc_suspect(file: str, url: Optional[str] = None) -> str:
    """The suspect name `clonehound scan` gives a WARC page: FILE#HOST."""

def is_html(body: bytes, content_type: Optional[str] = None) -> bool:
    """True when an HTTP response body is a page to scan (Content-Type says HTML, or
    there is none and the body starts with "<")."""
