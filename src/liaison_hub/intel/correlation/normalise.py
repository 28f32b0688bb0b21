"""Normal forms of observable values, so that the same address, domain or hash written differently correlates.

Kinds are the STIX cyber-observable types (STIX 2.1 section 6) plus one kind per hash algorithm, named as the
STIX hashing-algorithm vocabulary does (section 10.7: 'MD5', 'SHA-1', 'SHA-256', ...), so that a file hash and
an artifact hash of the same value correlate.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

IPV4, IPV6, DOMAIN, URL, EMAIL = "ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr"
# Hex digests by length; the STIX vocabulary names (section 10.7) are the canonical spelling.
HEX_HASHES = {"MD5": 32, "SHA-1": 40, "SHA-256": 64, "SHA-512": 128, "SHA3-256": 64, "SHA3-512": 128}
TEXT_HASHES = ("SSDEEP", "TLSH")
HASH_KINDS = (*HEX_HASHES, *TEXT_HASHES)
KINDS = (IPV4, IPV6, DOMAIN, URL, EMAIL, *HASH_KINDS)
_HEX = re.compile(r"[0-9a-f]+")
_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")
# ssdeep: blocksize:hash:hash (base64 alphabet); TLSH: 70 hex digits, with the "T1" version prefix since TLSH 4.0.
_TEXT_FORMS = {"SSDEEP": re.compile(r"\d+:[A-Za-z0-9/+]+:[A-Za-z0-9/+]+"), "TLSH": re.compile(r"(?:T1)?[0-9A-F]{70}")}
MAX_VALUE = 4096


@dataclass(frozen=True, order=True)
class Observable:
    """A normalised observable value of one kind."""

    kind: str
    value: str

    @property
    def key(self) -> str:
        """The index key: equal kind and value, equal key (128 bits of SHA-256 are plenty to tell values apart)."""
        return hashlib.sha256(f"{self.kind}\x00{self.value}".encode()).hexdigest()[:32]


def hash_algorithm(name: str) -> str | None:
    """'sha256', 'SHA256', 'Sha-256' and 'sha_256' are all 'SHA-256'; None for algorithms not correlated."""
    squeezed = re.sub(r"[^A-Z0-9]", "", name.upper())
    for kind in HASH_KINDS:
        if re.sub(r"[^A-Z0-9]", "", kind) == squeezed:
            return kind
    return None


def _address(value: str, kind: str) -> str | None:
    """One address, or a network in CIDR form; a host network (/32, /128) is the address itself."""
    if "/" not in value:
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            return None
        return str(address) if (address.version == 4) == (kind == IPV4) else None
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None
    if (network.version == 4) != (kind == IPV4):
        return None
    if network.num_addresses == 1:
        return str(network.network_address)
    return str(network)


def _domain(value: str) -> str | None:
    """Lower case, no trailing dot, international names in their ASCII (IDNA) form."""
    name = value.strip().rstrip(".").lower()
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    labels = name.split(".")
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        return None
    return name


def _url(value: str) -> str | None:
    """Scheme and host are case-insensitive (RFC 3986 section 6.2.2.1); path and query are kept as written."""
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not host:
        return None
    host = _domain(host) or host.lower()
    netloc = host if ":" not in host else f"[{host}]"
    if port is not None:
        netloc = f"{netloc}:{port}"
    if parts.username or parts.password:
        netloc = f"{parts.netloc.rpartition('@')[0]}@{netloc}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))


def _email(value: str) -> str | None:
    """Addresses are compared case-insensitively, as mail systems do in practice."""
    local, at, domain = value.strip().rpartition("@")
    normal_domain = _domain(domain) if at and local else None
    return f"{local.lower()}@{normal_domain}" if normal_domain else None


def _hash(kind: str, value: str) -> str | None:
    text = value.strip()
    if kind in HEX_HASHES:
        text = text.lower()
        return text if len(text) == HEX_HASHES[kind] and _HEX.fullmatch(text) else None
    text = text.upper() if kind == "TLSH" else text
    return text if _TEXT_FORMS[kind].fullmatch(text) else None


def normalise(kind: str, value: object) -> Observable | None:
    """The normal form of a value of a kind, or None when it is not a well-formed value of that kind."""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_VALUE:
        return None
    if kind in (IPV4, IPV6):
        normal = _address(value.strip(), kind)
    elif kind == DOMAIN:
        normal = _domain(value)
    elif kind == URL:
        normal = _url(value)
    elif kind == EMAIL:
        normal = _email(value)
    elif kind in HASH_KINDS:
        normal = _hash(kind, value)
    else:
        return None
    return Observable(kind, normal) if normal else None


def candidates(text: str) -> list[Observable]:
    """What a value typed into a search box may be: every kind it is well-formed as, in normal form."""
    text = text.strip()
    kinds: list[str] = []
    if "://" in text:
        kinds.append(URL)
    elif "@" in text:
        kinds.append(EMAIL)
    else:
        kinds += [IPV4, IPV6, DOMAIN]
        kinds += [k for k, size in HEX_HASHES.items() if len(text) == size]
        kinds += list(TEXT_HASHES)
    found = [o for kind in kinds if (o := normalise(kind, text)) is not None]
    if any(o.kind in (IPV4, IPV6) for o in found) or any(o.kind in HEX_HASHES for o in found):
        found = [o for o in found if o.kind not in (DOMAIN, *TEXT_HASHES)]
    elif any(o.kind == DOMAIN for o in found):
        found = [o for o in found if o.kind not in TEXT_HASHES]
    return sorted(set(found))
