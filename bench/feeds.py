"""Feed-shaped STIX 2.1 content for the realistic benchmark data: what partners' feeds, MISP and OpenCTI exports
and MITRE ATT&CK carry (indicators with kill chains, external references, labels, confidence and patterns of many
forms; observables; sightings; observed-data; reports and notes; ATT&CK-style techniques; CVEs; custom ``x_``
properties and an ``x-mitre-tactic`` custom object). Every builder fills an object that already has its common
properties; references point at objects made earlier (``Recent``)."""

from __future__ import annotations

import random
import uuid
from collections import deque
from typing import Any

TACTICS = (
    "reconnaissance",
    "initial-access",
    "execution",
    "persistence",
    "privilege-escalation",
    "defense-evasion",
    "credential-access",
    "discovery",
    "lateral-movement",
    "collection",
    "command-and-control",
    "exfiltration",
    "impact",
)
LOCKHEED = (
    "reconnaissance",
    "weaponization",
    "delivery",
    "exploitation",
    "installation",
    "command-and-control",
    "actions-on-objectives",
)
SOURCES = ("MISP", "AlienVault OTX", "abuse.ch URLhaus", "CIRCL", "JPCERT/CC", "KrCERT/CC", "CERT NZ", "ACSC")
TLDS = ("example.com", "example.net", "example.org", "test", "invalid")
WORDS = (
    "loader",
    "beacon",
    "stealer",
    "dropper",
    "phishing",
    "credential",
    "campaign",
    "infrastructure",
    "exfiltration",
    "persistence",
    "lateral",
    "ransom",
    "wiper",
    "espionage",
    "maritime",
    "energy",
    "telecom",
)
HASHES = {"MD5": 32, "SHA-1": 40, "SHA-256": 64}
Obj = dict[str, Any]


class Recent:
    """A few recent ids per type, for references that point at objects sent earlier."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids: dict[str, deque[str]] = {}

    def add(self, obj: Obj) -> None:
        self.ids.setdefault(obj["type"], deque(maxlen=64)).append(obj["id"])

    def pick(self, *types: str) -> str:
        """An earlier object of one of these types, else a fresh id of the first (a reference to elsewhere)."""
        pools = [t for t in types if self.ids.get(t)]
        if pools:
            return self.rng.choice(self.ids[self.rng.choice(pools)])
        return new_id(self.rng, types[0])

    def some(self, *types: str, most: int = 4) -> list[str]:
        return sorted({self.pick(*types) for _ in range(self.rng.randint(1, most))})


def new_id(rng: random.Random, kind: str) -> str:
    return f"{kind}--{uuid.UUID(int=rng.getrandbits(128), version=4)}"


class Feeds:
    """Builders of feed-shaped objects, one method per type, all drawing from one seeded generator."""

    def __init__(self, rng: random.Random, recent: Recent) -> None:
        self.rng = rng
        self.recent = recent

    # values -------------------------------------------------------------------------------------------------
    def ipv4(self) -> str:
        r = self.rng
        return f"{r.randint(1, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"

    def ipv6(self) -> str:
        return "2001:db8:" + ":".join(f"{self.rng.getrandbits(16):x}" for _ in range(6))

    def domain(self) -> str:
        label = "".join(self.rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=self.rng.randint(5, 14)))
        return f"{label}.{self.rng.choice(TLDS)}"

    def url(self) -> str:
        path = "/".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(1, 3)))
        return f"{self.rng.choice(['http', 'https'])}://{self.domain()}/{path}.php?id={self.rng.randint(1, 9999)}"

    def digest(self, name: str) -> str:
        return f"{self.rng.getrandbits(HASHES[name] * 4):0{HASHES[name]}x}"

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    # patterns (STIX 2.1 section 9) -------------------------------------------------------------------------
    def comparison(self) -> str:
        roll = self.rng.random()
        if roll < 0.25:
            return f"ipv4-addr:value = '{self.ipv4()}'"
        if roll < 0.45:
            return f"domain-name:value = '{self.domain()}'"
        if roll < 0.6:
            return f"url:value = '{self.url()}'"
        if roll < 0.8:
            name = self.rng.choice(list(HASHES))
            return f"file:hashes.'{name}' = '{self.digest(name)}'"
        if roll < 0.87:
            return f"email-addr:value = '{self.rng.choice(WORDS)}@{self.domain()}'"
        if roll < 0.92:
            return f"ipv6-addr:value = '{self.ipv6()}'"
        if roll < 0.96:
            return f"network-traffic:dst_port = {self.rng.choice([22, 443, 445, 3389, 8080])}"
        return f"url:value LIKE '%{self.rng.choice(WORDS)}%'"

    def observation(self) -> str:
        terms = [self.comparison() for _ in range(self.rng.choice([1, 1, 1, 2, 3]))]
        return "[" + f" {self.rng.choice(['OR', 'AND'])} ".join(terms) + "]"

    def pattern(self) -> str:
        """Mostly one comparison; a third compound, some with FOLLOWEDBY, WITHIN or REPEATS qualifiers."""
        text = self.observation()
        roll = self.rng.random()
        if roll < 0.2:
            text += f" {self.rng.choice(['AND', 'OR'])} {self.observation()}"
        elif roll < 0.3:
            text = f"{text} FOLLOWEDBY {self.observation()} WITHIN {self.rng.choice([60, 300, 3600])} SECONDS"
        elif roll < 0.34:
            text = f"({text} OR {self.observation()}) REPEATS {self.rng.randint(2, 5)} TIMES"
        return text

    # decorations --------------------------------------------------------------------------------------------
    def external_references(self, kind: str = "feed") -> list[Obj]:
        if kind == "attack":
            technique = f"T{self.rng.randint(1001, 1659)}"
            refs = [
                {
                    "source_name": "mitre-attack",
                    "external_id": technique,
                    "url": f"https://attack.mitre.org/techniques/{technique}",
                }
            ]
            if self.rng.random() < 0.4:
                capec = self.rng.randint(1, 700)
                refs.append(
                    {
                        "source_name": "capec",
                        "external_id": f"CAPEC-{capec}",
                        "url": f"https://capec.mitre.org/data/definitions/{capec}.html",
                    }
                )
            return refs
        source = self.rng.choice(SOURCES)
        ref: Obj = {"source_name": source, "url": f"https://{self.domain()}/event/{self.rng.randint(1, 99999)}"}
        if self.rng.random() < 0.5:
            ref["external_id"] = f"{source.split()[0].lower()}-{self.rng.randint(1, 999999)}"
        if self.rng.random() < 0.2:
            ref["description"] = self.words(3, 8)
        return [ref]

    def kill_chain(self) -> list[Obj]:
        if self.rng.random() < 0.6:
            return [{"kill_chain_name": "mitre-attack", "phase_name": t} for t in self.rng.sample(TACTICS, 1)]
        return [{"kill_chain_name": "lockheed-martin-cyber-kill-chain", "phase_name": self.rng.choice(LOCKHEED)}]

    # types --------------------------------------------------------------------------------------------------
    def indicator(self, obj: Obj) -> None:
        obj.update(
            name=f"{self.rng.choice(SOURCES)} {self.words(1, 3)}",
            indicator_types=[
                self.rng.choice(["malicious-activity", "anomalous-activity", "attribution", "compromised"])
            ],
        )
        if self.rng.random() < 0.95:
            obj.update(pattern=self.pattern(), pattern_type="stix")
        else:
            obj.update(pattern=f"rule {self.rng.choice(WORDS)} {{ condition: true }}", pattern_type="yara")
        obj["valid_from"] = obj["created"]
        if self.rng.random() < 0.3:
            obj["valid_until"] = "2027-12-31T00:00:00Z"
        if self.rng.random() < 0.7:
            obj["kill_chain_phases"] = self.kill_chain()
        if self.rng.random() < 0.3:
            obj["x_opencti_score"] = self.rng.randint(0, 100)

    def relationship(self, obj: Obj) -> None:
        """The relationships feeds and ATT&CK send (STIX 2.1 appendix B)."""
        kind, source, target = self.rng.choice(
            [
                ("indicates", ("indicator",), ("malware", "intrusion-set", "campaign")),
                ("uses", ("intrusion-set", "malware", "campaign"), ("attack-pattern", "malware", "tool")),
                ("targets", ("malware", "campaign", "intrusion-set"), ("identity", "vulnerability", "location")),
                ("mitigates", ("course-of-action",), ("attack-pattern",)),
                ("attributed-to", ("campaign",), ("intrusion-set", "threat-actor")),
                ("based-on", ("indicator",), ("observed-data",)),
            ]
        )
        obj.update(relationship_type=kind, source_ref=self.recent.pick(*source), target_ref=self.recent.pick(*target))
        if self.rng.random() < 0.3:
            obj["description"] = self.words(4, 12)

    def sighting(self, obj: Obj) -> None:
        obj.update(
            sighting_of_ref=self.recent.pick("indicator", "malware"),
            count=self.rng.randint(1, 500),
            first_seen=obj["created"],
            where_sighted_refs=self.recent.some("identity", most=2),
        )
        if self.rng.random() < 0.5:
            obj["observed_data_refs"] = self.recent.some("observed-data", most=2)
        if self.rng.random() < 0.5:
            obj["last_seen"] = "2027-06-30T12:00:00Z"

    def observed_data(self, obj: Obj) -> None:
        obj.update(
            first_observed=obj["created"],
            last_observed=obj["created"],
            number_observed=self.rng.randint(1, 99),
            object_refs=self.recent.some("ipv4-addr", "domain-name", "url", "file", "network-traffic"),
        )

    def attack_pattern(self, obj: Obj) -> None:
        """ATT&CK's shape: tactics as kill chain phases, technique ids, and many ``x_mitre_`` properties."""
        obj.update(
            name=self.words(2, 4).title(),
            description=self.words(20, 60),
            kill_chain_phases=self.kill_chain(),
            external_references=self.external_references("attack"),
            x_mitre_platforms=self.rng.sample(["Windows", "Linux", "macOS", "Android", "iOS"], 2),
            x_mitre_version=f"{self.rng.randint(1, 3)}.{self.rng.randint(0, 2)}",
            x_mitre_domains=["enterprise-attack"],
            x_mitre_is_subtechnique=self.rng.random() < 0.4,
            x_mitre_detection=self.words(8, 20),
            x_mitre_modified_by_ref=self.recent.pick("identity"),
        )

    def vulnerability(self, obj: Obj) -> None:
        cve = f"CVE-{self.rng.randint(2015, 2026)}-{self.rng.randint(1000, 49999)}"
        obj.update(
            name=cve,
            description=self.words(10, 30),
            external_references=[
                {"source_name": "cve", "external_id": cve, "url": f"https://www.cve.org/CVERecord?id={cve}"}
            ],
        )

    def report(self, obj: Obj) -> None:
        obj.update(
            name=f"Weekly report: {self.words(2, 5)}",
            published=obj["created"],
            report_types=[self.rng.choice(["threat-report", "attack-pattern", "indicator"])],
            object_refs=self.recent.some("indicator", "malware", "intrusion-set", "relationship", most=8),
            description=self.words(15, 40),
        )

    def note(self, obj: Obj) -> None:
        obj.update(
            abstract=self.words(2, 5),
            content=self.words(10, 30),
            authors=[self.rng.choice(SOURCES)],
            object_refs=self.recent.some("indicator", "report", "malware", most=3),
        )

    def tactic(self, obj: Obj) -> None:
        """ATT&CK's custom tactic object (``x-mitre-tactic``), as its bundles carry it."""
        short = self.rng.choice(TACTICS)
        obj.update(
            name=short.replace("-", " ").title(),
            description=self.words(8, 20),
            x_mitre_shortname=short,
            external_references=[
                {
                    "source_name": "mitre-attack",
                    "external_id": f"TA{self.rng.randint(1, 43):04d}",
                    "url": "https://attack.mitre.org/tactics/",
                }
            ],
        )

    # observables (section 6) --------------------------------------------------------------------------------
    def observable(self, obj: Obj) -> None:
        kind = obj["type"]
        if kind in ("ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr"):
            maker = {
                "ipv4-addr": self.ipv4,
                "ipv6-addr": self.ipv6,
                "domain-name": self.domain,
                "url": self.url,
                "email-addr": lambda: f"{self.rng.choice(WORDS)}@{self.domain()}",
            }[kind]
            obj["value"] = maker()
        elif kind == "file":
            obj.update(
                name=f"{self.rng.choice(WORDS)}.{self.rng.choice(['exe', 'dll', 'docm', 'js'])}",
                hashes={n: self.digest(n) for n in self.rng.sample(list(HASHES), 2)},
                size=self.rng.randint(1024, 10**7),
            )
        elif kind == "network-traffic":
            obj.update(
                src_ref=self.recent.pick("ipv4-addr"),
                dst_ref=self.recent.pick("ipv4-addr", "domain-name"),
                dst_port=self.rng.choice([53, 80, 443, 8443]),
                protocols=["ipv4", "tcp"],
            )
        if self.rng.random() < 0.2:
            obj["x_misp_comment"] = self.words(2, 6)
