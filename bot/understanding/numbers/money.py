"""Money on the token stream: amounts with a currency ("€ 300", "$15", "300 euro") or a period
("300 al mese", "1.200 l'anno", "x sett"), and bare numbers a fee or ads cue governs ("il
vostro compenso è 300", "300 di sponsorizzate"); another bare number is not money here.
Each amount says whether it goes to the agency (``to_agency``, see ``fees``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.understanding.lang import LanguagePack
from bot.understanding.numbers.fees import Cue, find_cues, governing_cue
from bot.understanding.numbers.lexer import Tok
from bot.understanding.numbers.number_words import COUNTABLE, analyse, followed_by, is_percent


@dataclass(frozen=True)
class MoneyMention:
    """An amount of money; ``period`` is "month", "week", "year", "day" or None when unsaid.

    ``to_agency``: the amount is governed by paying the agency ("se vi pago 300", "il vostro
    compenso", "pay you", "your fee"), so it may be the agency's fee rather than ad budget;
    False when nothing says so or the amount is clearly for ads ("vi pago 300 di
    sponsorizzate")."""

    amount: float
    currency: str
    period: str | None
    start: int
    end: int
    text: str
    to_agency: bool = False


CURRENCY_AFTER: dict[str, str] = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "euri": "EUR",
    "$": "USD",
    "usd": "USD",
    "dollari": "USD",
    "dollaro": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "bucks": "USD",
    "£": "GBP",
    "gbp": "GBP",
    "sterline": "GBP",
    "sterlina": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "quid": "GBP",
}
CURRENCY_BEFORE = {"€": "EUR", "eur": "EUR", "euro": "EUR", "$": "USD", "usd": "USD"} | {
    "£": "GBP",
    "gbp": "GBP",
}


def _period_table() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Period phrases as token sequences, indexed by first token so a lookup costs one dict hit."""
    rows: list[tuple[str, str]] = [
        ("al mese|a mese|ogni mese|x mese|per mese|/ mese|mensili|mensile|/ m|/ mo|/ mth", "month"),
        ("a month|per month|every month|each month|/ month|monthly|p / m|pm|pcm", "month"),
        ("tutti i mesi", "month"),
        ("a settimana|alla settimana|ogni settimana|x settimana|per settimana", "week"),
        ("/ settimana|/ sett|settimanali|settimanale", "week"),
        ("a sett|alla sett|ogni sett|x sett|per sett", "week"),  # phone shorthand
        ("a week|per week|every week|each week|/ week|/ wk|weekly|a wk|per wk|/ w|p / w", "week"),
        ("tutte le settimane|pw", "week"),
        # "bisettimanale"/"biweekly" are left out: people use them for "twice a week" too
        ("ogni 15 giorni|ogni quindici giorni|ogni 2 settimane|ogni due settimane", "fortnight"),
        ("ogni 14 giorni|a quindicina|alla quindicina", "fortnight"),
        ("a fortnight|per fortnight|every fortnight|every 2 weeks|every two weeks", "fortnight"),
        ("a trimestre|al trimestre|ogni trimestre|per trimestre|x trimestre", "quarter"),
        ("/ trimestre|trimestrali|trimestrale|ogni 3 mesi|ogni tre mesi", "quarter"),
        ("a quarter|per quarter|every quarter|quarterly", "quarter"),
        ("every 3 months|every three months", "quarter"),
        ("a semestre|al semestre|ogni semestre|per semestre|x semestre|/ semestre", "half_year"),
        ("semestrali|semestrale|ogni 6 mesi|ogni sei mesi", "half_year"),
        ("every 6 months|every six months|every half year|per half year|half yearly", "half_year"),
        # phones often drop the apostrophe: "all anno", "l anno"
        ("all ' anno|l ' anno|all anno|l anno|ogni anno|x anno|per anno|/ anno", "year"),
        ("annui|annuali|annuale", "year"),
        ("a year|per year|per annum|every year|each year|/ year|/ yr|yearly|annually", "year"),
        ("tutti gli anni|p / a|pa", "year"),
        ("al giorno|ogni giorno|x giorno|per giorno|/ giorno|/ gg|giornalieri|giornaliero", "day"),
        ("al dì|al di|ogni dì|al gg|a giornata|alla giornata", "day"),
        ("a day|per day|every day|each day|/ day|daily", "day"),
        ("tutti i giorni|tutti i santi giorni|giornalmente|quotidianamente", "day"),
    ]
    table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for alternatives, period in rows:
        for phrase in alternatives.split("|"):
            words = tuple(phrase.split())
            table.setdefault(words[0], []).append((words, period))
    for phrases in table.values():
        phrases.sort(key=lambda row: -len(row[0]))
    return table


_PERIODS = _period_table()
_PERIOD_ADJECTIVES = {
    "mensile": "month",
    "mensili": "month",
    "monthly": "month",
    "settimanale": "week",
    "weekly": "week",
    "annuale": "year",
    "annuo": "year",
    "annual": "year",
    "yearly": "year",
    "giornaliero": "day",
    "daily": "day",
    "trimestrale": "quarter",
    "quarterly": "quarter",
    "semestrale": "half_year",
}
_CLAUSE_END = {".", "!", "?", ";", "\n"}


def period_at(toks: list[Tok], j: int) -> tuple[str, int] | None:
    """The period phrase starting at token j and the index just past it."""
    if j >= len(toks):
        return None
    for words, period in _PERIODS.get(toks[j].low, ()):
        k = j + len(words)
        if k <= len(toks) and all(toks[j + x].low == words[x] for x in range(1, len(words))):
            return period, k
    return None


def _period_before(toks: list[Tok], i: int) -> str | None:
    """A period adjective shortly before the amount, as in "budget mensile di 300 euro"."""
    for k in range(i - 1, max(-1, i - 5), -1):
        t = toks[k]
        if t.kind == "num" or t.low in _CLAUSE_END:
            return None
        if t.low in _PERIOD_ADJECTIVES:
            return _PERIOD_ADJECTIVES[t.low]
    return None


# After a bare number these make it a count or a rate, never money: "300 follower", "3 volte"
_NOT_MONEY_AFTER = (COUNTABLE - {"euro", "mila", "milioni", "k"}) | {"volte", "times", "x"}
_CLOCK_DECIMAL = re.compile(r"^[0-9]{1,2}[.,][0-5][0-9]$")


def _on_a_clock(toks: list[Tok], i: int) -> bool:
    """``toks[i]`` is part of a time of day, whose "pm" is no "per month": the minutes of
    "7:30pm", or "7.30pm" itself."""
    t = toks[i]
    if i >= 2 and toks[i - 1].low == ":" and toks[i - 2].kind == "num":
        return toks[i - 2].end == toks[i - 1].start and toks[i - 1].end == t.start
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    return (
        nxt is not None
        and not (i > 0 and toks[i - 1].low in CURRENCY_BEFORE)  # "£7.30pm" is money
        and nxt.low in ("am", "pm")
        and nxt.start == t.end
        and bool(_CLOCK_DECIMAL.match(t.low))
    )


def money_from_tokens(
    text: str, toks: list[Tok], packs: Mapping[str, LanguagePack] | None = None
) -> list[MoneyMention]:
    """Money in an analysed token stream, so callers that analysed already do not lex twice.
    ``packs`` give the fee and ads cues (default: the built-in packs)."""
    found: list[MoneyMention] = []
    n = len(toks)
    cues: list[Cue] | None = None
    for i, t in enumerate(toks):
        if t.kind != "num" or is_percent(toks, i) or _on_a_clock(toks, i):
            continue
        if cues is None:
            cues = find_cues(toks, packs)
        start, j, currency = t.start, i + 1, None
        if i > 0 and toks[i - 1].low in CURRENCY_BEFORE and toks[i - 1].kind != "num":
            currency, start = CURRENCY_BEFORE[toks[i - 1].low], toks[i - 1].start
        if j < n and toks[j].low in CURRENCY_AFTER:
            currency, j = currency or CURRENCY_AFTER[toks[j].low], j + 1
        elif (  # "un milione di euro", "qualche migliaio di euro", "un paio di centinaia di euro"
            t.scale >= 100
            and j + 1 < n
            and toks[j].low in ("di", "of")
            and toks[j + 1].low in CURRENCY_AFTER
        ):
            currency, j = currency or CURRENCY_AFTER[toks[j + 1].low], j + 2
        period_end = period_at(toks, j)
        period = period_end[0] if period_end else None
        if currency is None and period is None:
            if followed_by(toks, i, _NOT_MONEY_AFTER):
                continue
            bare = governing_cue(toks, i, i, cues, tight=True)  # "il vostro compenso è 300"
            if bare is None:
                continue
            end = t.end
            found.append(MoneyMention(t.value, "EUR", None, start, end, text[start:end], bare))
            continue
        if period_end:
            j = period_end[1]
        elif currency is not None:
            period = _period_before(toks, i)
        end = toks[j - 1].end
        first = i - 1 if start < t.start else i
        to_agency = governing_cue(toks, first, j - 1, cues) is True
        found.append(
            MoneyMention(t.value, currency or "EUR", period, start, end, text[start:end], to_agency)
        )
    return found


def find_money(
    text: str, lang: str | None = None, packs: Mapping[str, LanguagePack] | None = None
) -> list[MoneyMention]:
    """Amounts with a currency or a period ("300 al mese" is euro), and bare numbers a fee or
    ads cue governs; other bare numbers are not money."""
    return money_from_tokens(text, analyse(text, lang), packs)
