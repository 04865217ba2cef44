"""Money on the token stream: amounts with a currency ("€ 300", "$15", "300 euro") or a period
("300 al mese", "1.200 l'anno", "x sett"); a bare number is not money here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.understanding.numbers.lexer import Tok
from bot.understanding.numbers.number_words import analyse, is_percent


@dataclass(frozen=True)
class MoneyMention:
    """An amount of money; ``period`` is "month", "week", "year", "day" or None when unsaid."""

    amount: float
    currency: str
    period: str | None
    start: int
    end: int
    text: str


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


def money_from_tokens(text: str, toks: list[Tok]) -> list[MoneyMention]:
    """Money in an analysed token stream, so callers that analysed already do not lex twice."""
    found: list[MoneyMention] = []
    n = len(toks)
    for i, t in enumerate(toks):
        if t.kind != "num" or is_percent(toks, i):
            continue
        start, j, currency = t.start, i + 1, None
        if i > 0 and toks[i - 1].low in CURRENCY_BEFORE and toks[i - 1].kind != "num":
            currency, start = CURRENCY_BEFORE[toks[i - 1].low], toks[i - 1].start
        if j < n and toks[j].low in CURRENCY_AFTER:
            currency, j = currency or CURRENCY_AFTER[toks[j].low], j + 1
        elif (  # "un milione di euro"
            t.scale >= 1e6
            and j + 1 < n
            and toks[j].low in ("di", "of")
            and toks[j + 1].low in CURRENCY_AFTER
        ):
            currency, j = currency or CURRENCY_AFTER[toks[j + 1].low], j + 2
        period_end = period_at(toks, j)
        period = period_end[0] if period_end else None
        if currency is None and period is None:
            continue
        if period_end:
            j = period_end[1]
        elif currency is not None:
            period = _period_before(toks, i)
        end = toks[j - 1].end
        found.append(MoneyMention(t.value, currency or "EUR", period, start, end, text[start:end]))
    return found


def find_money(text: str, lang: str | None = None) -> list[MoneyMention]:
    """Amounts with a currency or a period ("300 al mese" is euro); bare numbers are not money."""
    return money_from_tokens(text, analyse(text, lang))
