"""The languages the bot speaks: data, not code.

A ``Language`` says how the bot names a language and how it formats numbers and money in it
(its Babel locale); a ``LanguageRegistry`` lists the languages in order (with a default for
phones in an unknown language) and matches Telegram's ``language_code`` ("it", "en-GB") to one.

Everything that used to say ``("it", "en")`` asks a registry instead: the content loader (which
``locales/<code>/`` folders must exist), the engine (a new prospect's language, ``/lang``), the
templates (Babel locale), the settings (default language) and the command line (choices).
The registry is injectable (``bot.app.load_content(languages=…)``, ``build_engine(languages=…)``)
and ``DEFAULT`` is the one the bot ships with.

Adding a third language, e.g. German:

1. register it here in ``DEFAULT`` (``Language("de", "de_DE", "German", "Deutsch")``);
2. add its word lists in ``bot/understanding/lang/de.py`` and list it in
   ``bot/understanding/lang/__init__.py`` (``BUILTIN_PACKS``); a language without a pack still
   works (typed answers, buttons, numbers in digits) but understands fewer words;
3. add ``locales/de/`` with every text key (``python -m bot validate`` lists the missing ones);
   staff may add yes/no words in ``locales/de/words.yaml``.

This module is rank 0: it imports nothing from ``bot``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """One language the bot can speak."""

    code: str
    """Short lowercase code: the ``locales/<code>/`` folder, ``/lang <code>``, what is stored."""
    babel_locale: str
    """A locale Babel knows (``it_IT``), for numbers, money and plurals in texts."""
    name: str
    """The language's name in English, for staff messages ("Italian")."""
    native_name: str
    """The language's name in itself ("Italiano"), for prospects."""
    fallback: str | None = None
    """A language whose text is used when a key is missing in this one (None: the registry's
    default language)."""
    currency_format: str | None = None
    """A Babel pattern for whole amounts ("¤ #,##0" writes "€ 300"); cents get ".00" appended.
    None: the Babel locale's own pattern."""


class LanguageRegistry:
    """The languages the bot speaks, in order.

    ``default`` is the language of a prospect whose phone's language is not registered, and the
    last resort for a missing text (None: the first registered language).
    """

    def __init__(self, languages: Iterable[Language] = (), default: str | None = None) -> None:
        self._languages: dict[str, Language] = {}
        self._default = default
        for language in languages:
            self.register(language)

    def register(self, language: Language) -> None:
        """Add a language at the end.

        Raises:
            ValueError: the code is empty, not lowercase letters, or already registered.
        """
        code = language.code
        if not code or not code.isascii() or not code.isalpha() or code != code.lower():
            raise ValueError(f"a language code is lowercase letters, not {code!r}")
        if code in self._languages:
            raise ValueError(f"the language {code!r} is registered twice")
        self._languages[code] = language

    def get(self, code: str | None) -> Language | None:
        return self._languages.get(code or "")

    def __getitem__(self, code: str) -> Language:
        return self._languages[code]

    def __contains__(self, code: object) -> bool:
        return code in self._languages

    def __iter__(self) -> Iterator[Language]:
        return iter(self._languages.values())

    def __len__(self) -> int:
        return len(self._languages)

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes, in registration order."""
        return tuple(self._languages)

    @property
    def default(self) -> str:
        """The default language: the one given when registered, else the first.

        Raises:
            LookupError: the registry is empty.
        """
        if self._default in self._languages:
            assert self._default is not None
            return self._default
        if not self._languages:
            raise LookupError("no language is registered")
        return next(iter(self._languages))

    def match(self, language_code: str | None) -> str | None:
        """The registered language for Telegram's ``language_code`` ("it", "en-GB"), or None."""
        code = (language_code or "").strip().lower().replace("_", "-")
        if code in self._languages:
            return code
        base = code.split("-", 1)[0]
        return base if base in self._languages else None

    def find(self, word: str | None) -> str | None:
        """The language a person names ("en", "english", "Italiano", "ita"), or None."""
        word = (word or "").strip().casefold()
        if not word:
            return None
        found = self.match(word)
        if found is not None:
            return found
        for language in self:
            names = (language.name.casefold(), language.native_name.casefold())
            if word in names or (len(word) >= 3 and any(n.startswith(word) for n in names)):
                return language.code
        return None

    def choose(self, code: str | None, default: str | None = None) -> str:
        """``code`` when registered, else ``default`` when registered, else the registry's."""
        if code in self._languages:
            assert code is not None
            return code
        return default if default in self._languages else self.default

    def next_after(self, code: str) -> str:
        """The language after ``code`` in order, cycling (``/lang`` without a language)."""
        codes = self.codes
        if code not in self._languages:
            return codes[0]
        return codes[(codes.index(code) + 1) % len(codes)]

    def fallbacks(self, code: str, default: str | None = None) -> tuple[str, ...]:
        """Where to look for a text: ``code``, its fallback chain, the default language
        (``default`` when registered, else the registry's), then the rest."""
        out: list[str] = []
        current: str | None = code
        while current in self._languages and current not in out:
            assert current is not None
            out.append(current)
            current = self._languages[current].fallback
        for other in (self.choose(default), *self._languages):
            if other not in out:
                out.append(other)
        return tuple(out)

    def resolve(self, code: str | None) -> Language:
        """The language of ``code``, or the default language when it is not registered."""
        return self._languages.get(code or "") or self._languages[self.default]

    def locale(self, code: str | None) -> str:
        """The Babel locale for ``code``, or the default language's when unknown."""
        return self.resolve(code).babel_locale


DEFAULT = LanguageRegistry(
    [
        # Italian style writes "€ 300"; British English "€300" (Babel's Italian is "300,00 €")
        Language("it", "it_IT", "Italian", "Italiano", fallback="en", currency_format="¤ #,##0"),
        Language("en", "en_GB", "English", "English", fallback="it", currency_format="¤#,##0"),
    ],
    default="en",
)
"""The languages the bot ships with. Add a language here (see the module's docstring)."""
