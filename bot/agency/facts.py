"""The facts only the agency knows: ``dialogs/agency.yaml``, loaded and checked.

```yaml
name: "Nome Agenzia"
city: Palermo
address: "Via Roma 1, 90100 Palermo"
map_link: "https://maps.app.goo.gl/…"
website: "https://www.example.it"
team_size: 6
prices:                    # price ranges of the agency's fee, in euros a month (not the ads)
  - name: {it: "Un social", en: "One platform"}
    from: 300
    to: 500
    includes: {it: "…", en: "…"}
results:                   # results the agency can show, one line per language
  - it: "…"
    en: "…"
services:                  # what the agency does for clients, one line per language
  - it: "…"
    en: "…"
contract:                  # how the contract works (length, cancelling), per language
  it: "…"
  en: "…"
```

A value starting with ``TODO:`` is a placeholder (``bot.content.placeholders``): it is read as
missing (None) and reported as a warning, so that the shipped file holds placeholders rather
than invented facts and prospects never read one. Anything else wrong is a located error.

The texts read the facts as ``agency`` (``AgencyFacts.values``): ``agency.city``,
``agency.team_size``…, and the words written per language as ``agency.prices[lang]``,
``agency.results[lang]``, ``agency.services[lang]`` (lists of the ones filled in) and
``agency.contract[lang]`` (None while not filled in).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.base.problems import Pos, Problems, did_you_mean
from bot.base.yamlpos import Source, is_list, is_mapping, load_yaml
from bot.content.placeholders import contains_marker, is_placeholder, report_placeholder
from bot.languages import DEFAULT, LanguageRegistry

FILE = "agency.yaml"

FACTS: Mapping[str, str] = {
    "name": "the agency's name",
    "city": "the agency's city",
    "address": "the agency's address",
    "map_link": "the map link (a Google Maps link to the office)",
    "website": "the agency's website",
    "team_size": "how many people work at the agency",
}
"""The single facts, with what each is in staff's words (for the warnings)."""


@dataclass(frozen=True)
class Count:
    """How to ask again for a whole number written wrong, in the words of what it counts."""

    not_a_number: str
    """The fix when it is text (`"sei"`, `"€ 1.500"`)."""
    not_whole: str
    """The fix when it has decimals (`5.5`, `300.50`)."""


PEOPLE = Count(
    "write only the digits, without quotes, e.g. 5 for five people",
    "write only the number of people, e.g. 5",
)
EUROS = Count(
    "write only the digits, without quotes, € or dots, e.g. 1500",
    "write it without dots or commas, e.g. 1500 for € 1.500",
)
LINKS = ("map_link", "website")
TOP_KEYS = (*FACTS, "prices", "results", "services", "contract")
PRICE_KEYS = ("name", "from", "to", "includes")
INSTEAD = "“our team will tell you” instead"
"""What prospects read while a fact is a placeholder (the texts say it, in their words)."""

Words = Mapping[str, "str | None"]
"""A text per language code; None where it is not filled in."""


@dataclass(frozen=True)
class PriceRange:
    """One range of the agency's monthly fee: ``low`` to ``high`` euros a month (``high``
    None: "from ``low``"), its name and what it includes, per language."""

    low: int | None
    high: int | None = None
    name: Words = field(default_factory=dict)
    includes: Words = field(default_factory=dict)


@dataclass(frozen=True)
class AgencyFacts:
    """The agency's facts as staff wrote them; None (or nothing) where still a placeholder."""

    name: str | None = None
    city: str | None = None
    address: str | None = None
    map_link: str | None = None
    website: str | None = None
    team_size: int | None = None
    prices: tuple[PriceRange, ...] = ()
    results: tuple[Words, ...] = ()
    services: tuple[Words, ...] = ()
    contract: Words = field(default_factory=dict)

    def values(self, languages: Iterable[str]) -> dict[str, Any]:
        """What the texts read as ``agency``: the single facts (None when not filled in), and
        per language code the price ranges whose ``from`` is filled in (``name``, ``low``,
        ``high``, ``includes``; ``high`` None when there is no upper end), the result
        examples and the services filled in, as lists (empty when none is), and how the
        contract works (None when not filled in)."""
        codes = tuple(languages)
        return {
            "name": self.name,
            "city": self.city,
            "address": self.address,
            "map_link": self.map_link,
            "website": self.website,
            "team_size": self.team_size,
            "prices": {
                lang: [
                    {
                        "name": price.name.get(lang),
                        "low": price.low,
                        "high": price.high if price.high != price.low else None,
                        "includes": price.includes.get(lang),
                    }
                    for price in self.prices
                    if price.low is not None
                ]
                for lang in codes
            },
            "results": {
                lang: [text for result in self.results if (text := result.get(lang))]
                for lang in codes
            },
            "services": {
                lang: [text for service in self.services if (text := service.get(lang))]
                for lang in codes
            },
            "contract": {lang: self.contract.get(lang) for lang in codes},
        }


def load_agency(
    path: Path, problems: Problems, languages: LanguageRegistry = DEFAULT
) -> AgencyFacts | None:
    """Read and check the file: a placeholder is a warning and reads as None; any other mistake
    is a located error, and gives None."""
    before = len(problems.errors)  # a number YAML misread (`from: 1.000`) is one, found loading
    src = load_yaml(path, problems)
    if src is None:
        return None
    if src.data is None:  # an empty file: nothing is known yet
        return AgencyFacts()
    if not is_mapping(src.data):
        problems.add(
            src.top(),
            f"{FILE} lists the agency's facts, one a line, like `city: Palermo`",
            "start from the file the bot ships with",
        )
        return None
    facts = _Reader(src, problems, languages).facts()
    return None if len(problems.errors) > before else facts


class _Reader:
    """Walks the file once, recording every problem rather than stopping at the first."""

    def __init__(self, src: Source, problems: Problems, languages: LanguageRegistry) -> None:
        self.src = src
        self.problems = problems
        self.languages = languages

    def facts(self) -> AgencyFacts:
        data = self.src.data
        for key in data:
            if key not in TOP_KEYS:
                self.problems.add(
                    self.src.at_key(data, key),
                    f"{FILE} has no setting `{key}`",
                    did_you_mean(str(key), TOP_KEYS) or "known: " + ", ".join(TOP_KEYS),
                )
        texts = {key: self.text(data, key, FACTS[key]) for key in ("name", "city", "address")}
        links = {key: self.link(data, key, FACTS[key]) for key in LINKS}
        return AgencyFacts(
            **texts,
            **links,
            team_size=self.whole(data, "team_size", FACTS["team_size"], PEOPLE, at_least=1),
            prices=self.prices(data),
            results=self.results(data),
            services=self.services(data),
            contract=self.contract(data),
        )

    # -- one value -------------------------------------------------------------------------

    def _pos(self, mapping: Any, key: Any) -> Pos:
        # an empty value has no place of its own (ruamel gives the next line): the key's
        value = mapping.get(key)
        return self.src.at_key(mapping, key) if value is None else self.src.at_value(mapping, key)

    def _given(self, mapping: Any, key: Any, what: str) -> Any:
        """The value, or None when left out, empty or a placeholder (then one warning)."""
        value = mapping.get(key) if key in mapping else None
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if is_placeholder(value) or (isinstance(value, str) and contains_marker(value)):
            report_placeholder(self.problems, self._pos(mapping, key), what, INSTEAD)
            return None
        return value

    def text(self, mapping: Any, key: Any, what: str) -> str | None:
        value = self._given(mapping, key, what)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problems.add(
                self._pos(mapping, key),
                f"{what} must be a line of text",
                'write it in quotes on the same line, e.g. "Via Roma 1, Palermo"',
            )
            return None
        return " ".join(str(value).split())

    def link(self, mapping: Any, key: str, what: str) -> str | None:
        value = self.text(mapping, key, what)
        if value is None:
            return None
        if not value.lower().startswith(("https://", "http://")) or " " in value:
            self.problems.add(
                self._pos(mapping, key),
                f"{what} must be a whole web address, not “{value}”",
                "copy it from the browser's address bar: it starts with https://",
            )
            return None
        return value

    def whole(
        self, mapping: Any, key: Any, what: str, count: Count, *, at_least: int = 0
    ) -> int | None:
        """A whole number of ``count`` (people, euros), or None after a located problem."""
        if self.problems.covers(self._pos(mapping, key)):
            return None  # misread as written (`1.000`): reported while loading the file
        value = self._given(mapping, key, what)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problems.add(
                self._pos(mapping, key),
                f"{what} must be a whole number, not “{value}”",
                count.not_a_number,
            )
            return None
        if not float(value).is_integer():
            self.problems.add(
                self._pos(mapping, key),
                f"{what} must be a whole number, not {value}",
                count.not_whole,
            )
            return None
        if value < at_least:
            self.problems.add(
                self._pos(mapping, key),
                f"{what} cannot be {int(value)}",
                f"write a number from {at_least} up",
            )
            return None
        return int(value)

    def words(self, mapping: Any, key: Any, what: str) -> Words:
        """A text per language under ``key`` (``it: …`` / ``en: …``)."""
        value = mapping.get(key) if key in mapping else None
        return self._words(value, self._pos(mapping, key), what)

    def _words(self, value: Any, pos: Pos, what: str) -> Words:
        """``value`` (written at ``pos``) as a text per language; each language not filled in
        is None, with a warning."""
        codes = self.languages.codes
        if value is None or is_placeholder(value):
            if value is not None:
                report_placeholder(self.problems, pos, what, INSTEAD)
            return dict.fromkeys(codes)
        if not is_mapping(value):
            self.problems.add(
                pos,
                f"{what} is written once per language",
                "write one line per language under it, e.g. `it: …` and `en: …`",
            )
            return dict.fromkeys(codes)
        for lang in value:
            if lang not in codes:
                self.problems.add(
                    self.src.at_key(value, lang),
                    f"`{lang}` is not a language the bot speaks",
                    did_you_mean(str(lang), codes) or "use " + ", ".join(codes),
                )
        found: dict[str, str | None] = {}
        for lang in codes:
            name = self.languages.resolve(lang).name
            if lang not in value:
                self.problems.add(
                    pos,
                    f"{what} has no {name} text: {name}-speaking prospects read {INSTEAD}",
                    f"add a line `{lang}: …` to it",
                    severity="warning",
                )
                found[lang] = None
                continue
            found[lang] = self.text(value, lang, f"{what} ({name})")
        return found

    # -- lists -----------------------------------------------------------------------------

    def _items(self, data: Any, key: str, example: str) -> list[tuple[int, Any]]:
        items = data.get(key) if key in data else None
        if items is None:
            return []
        if not is_list(items):
            self.problems.add(
                self.src.at_key(data, key),
                f"`{key}` is a list, each item starting with `- `",
                example,
            )
            return []
        found = []
        for i, item in enumerate(items):
            if not is_mapping(item):
                self.problems.add(self.src.at_item(items, i), f"item {i + 1} of `{key}`", example)
                continue
            found.append((i + 1, item))
        return found

    def prices(self, data: Any) -> tuple[PriceRange, ...]:
        example = "write each range as `- name:`, `from:`, `to:` and `includes:` (see the file)"
        found = []
        for n, item in self._items(data, "prices", example):
            for key in item:
                if key not in PRICE_KEYS:
                    self.problems.add(
                        self.src.at_key(item, key),
                        f"a price range has no setting `{key}`",
                        did_you_mean(str(key), PRICE_KEYS) or "known: " + ", ".join(PRICE_KEYS),
                    )
            what = f"price range {n}"
            low = self.whole(item, "from", f"the lowest monthly fee of {what}", EUROS)
            high = self.whole(item, "to", f"the highest monthly fee of {what}", EUROS)
            if low is not None and high is not None and high < low:
                self.problems.add(
                    self._pos(item, "to"),
                    f"{what} goes from € {low} down to € {high}",
                    "`from` is the lower amount, `to` the higher one",
                )
                continue
            found.append(
                PriceRange(
                    low,
                    high,
                    self.words(item, "name", f"the name of {what}"),
                    self.words(item, "includes", f"what {what} includes"),
                )
            )
        return tuple(found)

    def results(self, data: Any) -> tuple[Words, ...]:
        return self._lines(data, "results", "result example")

    def services(self, data: Any) -> tuple[Words, ...]:
        return self._lines(data, "services", "service")

    def _lines(self, data: Any, key: str, what: str) -> tuple[Words, ...]:
        """A list of lines written once per language (``- it: …`` with ``en: …`` under it)."""
        example = f"write each {what} as `- it: …` with `en: …` under it"
        items = self._items(data, key, example)
        return tuple(self._words(item, self.src.at(item), f"{what} {n}") for n, item in items)

    def contract(self, data: Any) -> Words:
        """How the contract works, per language; left out, nothing is said (no warning)."""
        if "contract" not in data or data.get("contract") is None:
            return {}
        return self.words(data, "contract", "how the contract works")
